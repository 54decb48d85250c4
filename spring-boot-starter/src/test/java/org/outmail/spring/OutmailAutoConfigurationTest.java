package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.BlockReason;
import org.outmail.Email;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.PostSendHook;
import org.outmail.RecipientDirectory;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.test.MailCapture;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** When {@link OutmailAutoConfiguration} makes a registry, from which keys, with which beans. */
class OutmailAutoConfigurationTest {
  static final String[] SUPPORT = {
      "outmail.mailbox.support.name=Service Desk",
      "outmail.mailbox.support.email-display=support@example.com",
      "outmail.mailbox.support.display-name=Your Service Desk",
      "outmail.mailbox.support.host=127.0.0.1",
      "outmail.mailbox.support.port=2525",
      "outmail.mailbox.support.encryption=NONE",
      "outmail.mailbox.support.prefix=TICKET#",
      "outmail.mailbox.support.default-outgoing=true",
      "outmail.mailbox.support.smtp.max-connections=5",
  };

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutmailAutoConfiguration.class));

  /** Sends nowhere: every mail is captured. */
  @Configuration(proxyBeanMethods = false)
  static class Captured {
    @Bean
    MailCapture capture() {
      return new MailCapture();
    }

    @Bean
    MailboxRegistryCustomizer captureMails(MailCapture capture) {
      return capture::install;
    }
  }

  /** Every message in the chain of causes, one per line. */
  static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** The outmail configuration failure in the chain of causes. */
  static MailboxConfigException configFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MailboxConfigException e) {
        return e;
      }
    }
    throw new AssertionError("no MailboxConfigException in " + messages(t));
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  @Test
  void noOutmailKeysMeansNoRegistry() {
    runner.withPropertyValues("spring.mail.host=smtp.example.com", "outmail.health.cache=5m").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(MailboxRegistry.class);
    });
  }

  @Test
  void outmailKeysMakeTheRegistryWithTheTransportsSettings() {
    runner.withPropertyValues(SUPPORT).run(context -> {
      MailboxRegistry registry = context.getBean(MailboxRegistry.class);
      assertThat(registry.mailboxes()).extracting(m -> m.id()).containsExactly("support");
      assertThat(registry.defaultOutgoing().mailbox().displayName()).contains("Your Service Desk");
      assertThat(registry.mailbox("support").settings("smtp")).containsEntry("max-connections", "5");
    });
  }

  @Test
  void misspeltKeyFailsStartUpWithOutmailsMessageNamingTheKey() {
    runner.withPropertyValues(SUPPORT).withPropertyValues("outmail.mailbox.support.pasword=x").run(context -> {
      assertThat(context).hasFailed();
      Throwable cause = rootCause(context.getStartupFailure());
      assertThat(cause).isInstanceOf(MailboxConfigException.class).hasMessageStartingWith(
          "outmail.mailbox.support.pasword: unknown key; did you mean outmail.mailbox.support.password?");
    });
  }

  @Test
  void badValueFailsStartUpNamingTheKey() {
    runner.withPropertyValues(SUPPORT).withPropertyValues("outmail.mailbox.support.smtp.max-connections=many")
        .run(context -> {
          assertThat(rootCause(context.getStartupFailure())).isInstanceOf(MailboxConfigException.class)
              .hasMessage("mailbox 'support': smtp.max-connections 'many' is not a whole number");
          assertThat(new MailboxConfigFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
              .isEqualTo("outmail's configuration is invalid: mailbox 'support': smtp.max-connections 'many' is not"
                  + " a whole number (key outmail.mailbox.support.smtp.max-connections)");
        });
  }

  @Test
  void startUpFailureIsReportedWithOutmailsMessage() {
    runner.withPropertyValues(SUPPORT).withPropertyValues("outmail.mailbox.support.encryption=TLS").run(context -> {
      FailureAnalysis analysis = new MailboxConfigFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).startsWith(
          "outmail's configuration is invalid: outmail.mailbox.support.encryption: 'TLS' is ambiguous");
      assertThat(analysis.getAction()).contains("outmail.* key");
    });
  }

  @Test
  void secondDefaultMailboxFailsStartUp() {
    runner.withPropertyValues(SUPPORT).withPropertyValues(
        "outmail.mailbox.billing.email-display=billing@example.com",
        "outmail.mailbox.billing.host=127.0.0.1",
        "outmail.mailbox.billing.default-outgoing=true").run(context -> {
          Throwable cause = rootCause(context.getStartupFailure());
          assertThat(cause).isInstanceOf(MailboxConfigException.class)
              .hasMessageContaining("two mailboxes are the default outgoing mailbox: 'billing' and 'support'");
        });
  }

  @Test
  void misspeltPrefixUnderOutmailIsNotIgnored() {
    runner.withPropertyValues("outmail.mailboxes.support.host=127.0.0.1")
        .run(context -> assertThat(rootCause(context.getStartupFailure())).isInstanceOf(MailboxConfigException.class)
            .hasMessageStartingWith(
                "outmail.mailboxes.support.host: unknown key; did you mean outmail.mailbox.support.host?"));
  }

  @Test
  void aPrefixWithSwappedLettersUnderOutmailIsNotIgnored() {
    // mialbxo: two swaps from mailbox, counted as two edits as everywhere else in outmail (core's edit distance)
    runner.withPropertyValues("outmail.mialbxo.support.host=127.0.0.1")
        .run(context -> assertThat(rootCause(context.getStartupFailure())).isInstanceOf(MailboxConfigException.class)
            .hasMessageStartingWith("outmail.mialbxo.support.host: unknown key"));
  }

  @Test
  void theStartersOwnKeysAreNotHandedToOutmailsLoader() {
    runner.withPropertyValues("outmail.outbox.workers=4", "outmail.health.cache=5m", "outmail.enabled=true")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MailboxRegistry.class));
    runner.withPropertyValues(SUPPORT).withPropertyValues("outmail.outbox.workers=4")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(MailboxRegistry.class));
  }

  @Test
  void unknownStarterKeyStopsStartUpNamingItWithTheKeyMeant() {
    runner.withPropertyValues("outmail.helth.cache=5m").run(context -> {
      assertThat(context).hasFailed();
      MailboxConfigException e = (MailboxConfigException) rootCause(context.getStartupFailure());
      assertThat(e.getMessage()).isEqualTo("outmail.helth.cache: unknown key; did you mean outmail.health.cache?; "
          + "the starter's keys are listed in the outmail-spring-boot-starter README");
      FailureAnalysis analysis = new MailboxConfigFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).startsWith("outmail's configuration is invalid: outmail.helth.cache: "
          + "unknown key; did you mean outmail.health.cache?");
    });
    runner.withPropertyValues(SUPPORT).withPropertyValues("outmail.outbox.rate-limits.support=30/1m")
        .run(context -> assertThat(rootCause(context.getStartupFailure())).hasMessageStartingWith(
            "outmail.outbox.rate-limits.support: unknown key; did you mean outmail.outbox.rate-limit.support?"));
  }

  @Test
  void unresolvablePlaceholderInAnOutmailKeyStopsStartUpNamingTheKey() {
    runner.withPropertyValues(SUPPORT).withPropertyValues("SUPPORT_USER=svc-desk",
        "outmail.mailbox.support.username=${SUPORT_USER}").run(context -> {
          assertThat(context).hasFailed();
          MailboxConfigException e = configFailure(context.getStartupFailure());
          assertThat(e.getMessage()).isEqualTo("outmail.mailbox.support.username: the placeholder ${SUPORT_USER} "
              + "cannot be resolved: no property or environment variable SUPORT_USER is set; did you mean "
              + "${SUPPORT_USER}? (for a secret outmail reads itself, write ${env:SUPORT_USER})");
          assertThat(new MailboxConfigFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
              .startsWith("outmail's configuration is invalid: outmail.mailbox.support.username: the placeholder");
        });
    runner.withPropertyValues("outmail.health.cache=${HEALTH_CACHE_TIME}")
        .run(context -> assertThat(configFailure(context.getStartupFailure())).hasMessageStartingWith(
            "outmail.health.cache: the placeholder ${HEALTH_CACHE_TIME} cannot be resolved"));
  }

  @Test
  void hookAndRecipientDirectoryBeansArePickedUp() {
    List<String> audited = new CopyOnWriteArrayList<>();
    runner.withUserConfiguration(Captured.class)
        .withBean("auditHook", PostSendHook.class, () -> new PostSendHook() {
          @Override
          public String name() {
            return "audit";
          }

          @Override
          public void afterSend(org.outmail.SentEmail sent) {
            audited.add(sent.result().subject());
          }
        })
        .withBean(RecipientDirectory.class, () -> address -> address.endsWith("@example.org"))
        .withPropertyValues(SUPPORT)
        .withPropertyValues("outmail.mailbox.support.post-send-hooks=audit",
            "outmail.mailbox.support.allowed-emails=REGISTERED_ONLY")
        .run(context -> {
          SendResult r = context.getBean(MailboxRegistry.class).defaultOutgoing().send(Email.builder()
              .to("alice@example.org").cc("mallory@elsewhere.test").subject("Printer jammed").text("On it.")
              .recordId("4711").build());
          assertThat(audited).containsExactly("[TICKET#4711] Printer jammed");
          assertThat(r.blockedRecipients()).containsEntry("mallory@elsewhere.test", BlockReason.NOT_REGISTERED);
          assertThat(context.getBean(MailCapture.class).mailsTo("alice@example.org")).hasSize(1);
        });
  }

  @Test
  void hookNamedButNotABeanFailsStartUp() {
    runner.withPropertyValues(SUPPORT).withPropertyValues("outmail.mailbox.support.post-send-hooks=audit")
        .run(context -> assertThat(rootCause(context.getStartupFailure()))
            .isInstanceOf(MailboxConfigException.class)
            .hasMessageContaining("post-send hook 'audit' is unknown"));
  }

  @Test
  void customizerAloneMakesTheRegistry() {
    runner.withBean(MailboxRegistryCustomizer.class, () -> b -> b.mailbox(org.outmail.Mailbox.builder("code")
        .emailDisplay("code@example.com").host("127.0.0.1").build()))
        .run(context -> assertThat(context.getBean(MailboxRegistry.class).mailboxes()).extracting(m -> m.id())
            .containsExactly("code"));
  }

  @Test
  void applicationsOwnRegistryWins() {
    MailboxRegistry own = MailboxRegistry.builder().build();
    runner.withPropertyValues(SUPPORT).withBean("ownRegistry", MailboxRegistry.class, () -> own)
        .run(context -> assertThat(context.getBean(MailboxRegistry.class)).isSameAs(own));
  }

  @Test
  void outmailEnabledFalseMakesNoRegistry() {
    runner.withPropertyValues(SUPPORT).withPropertyValues("outmail.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(MailboxRegistry.class));
  }

  @Test
  void registryIsClosedWithTheContext() {
    MailboxRegistry[] kept = new MailboxRegistry[1];
    runner.withUserConfiguration(Captured.class).withPropertyValues(SUPPORT)
        .run(context -> kept[0] = context.getBean(MailboxRegistry.class));

    assertThatThrownBy(() -> kept[0].defaultOutgoing().send(Email.builder().to("alice@example.org")
        .subject("x").text("y").build()))
        .isInstanceOf(TransportException.class).hasMessage("mailbox 'support': the registry is closed");
  }

  @Test
  void secretReferenceReachesOutmailAsWrittenNotAsASpringPlaceholder(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("smtp-password"), "from-the-file\n");
    runner.withPropertyValues(SUPPORT).withPropertyValues(
        "outmail.mailbox.support.username=svc-desk",
        "outmail.mailbox.support.password=${file:" + secret + "}").run(context -> {
          org.outmail.Secret password = context.getBean(MailboxRegistry.class).mailbox("support").password()
              .orElseThrow();
          assertThat(password.source()).isEqualTo("file:" + secret);
          assertThat(password.value()).isEqualTo("from-the-file");
        });
  }

  @Test
  void springPlaceholderIsResolvedBySpring() {
    runner.withPropertyValues(SUPPORT).withPropertyValues("desk.name=Help Desk",
        "outmail.mailbox.support.name=${desk.name}")
        .run(context -> assertThat(context.getBean(MailboxRegistry.class).mailbox("support").name())
            .isEqualTo("Help Desk"));
  }
}
