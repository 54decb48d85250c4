package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.oauth.OAuthClient;
import org.outmail.spi.MailTransport;
import org.outmail.spi.Tls;
import org.outmail.spi.TransportProvider;

/** The provider: found by ServiceLoader, validates mailboxes, opens without connecting; the session's safe settings. */
@Timeout(30)
class SmtpTransportProviderTest {
  private final SmtpTransportProvider provider = new SmtpTransportProvider();

  private static Mailbox.Builder mailbox() {
    return Mailbox.builder("mb").emailDisplay("desk@example.com").host("smtp.example.com");
  }

  @Test
  void isFoundByServiceLoaderForProtocolSmtp() {
    assertThat(ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(p -> {
          assertThat(p).isInstanceOf(SmtpTransportProvider.class);
          assertThat(p.protocol()).isEqualTo("smtp");
        });
  }

  @Test
  void aMisspeltSmtpSettingInAConfigurationIsNamedInFullWithTheKeyMeant() {
    Properties p = new Properties();
    p.setProperty("outmail.mailbox.x.email-display", "desk@example.com");
    p.setProperty("outmail.mailbox.x.host", "smtp.example.com");
    p.setProperty("outmail.mailbox.x.smtp.max-conections", "5");

    assertThatThrownBy(() -> org.outmail.MailboxRegistry.load(p))
        .isInstanceOfSatisfying(MailboxConfigException.class,
            e -> assertThat(e.field()).isEqualTo("outmail.mailbox.x.smtp.max-conections"))
        .hasMessageStartingWith("outmail.mailbox.x.smtp.max-conections: unknown key;"
            + " did you mean outmail.mailbox.x.smtp.max-connections? settings of protocol smtp: [smtp.max-connections, ");
  }

  @Test
  void aMisspeltSmtpSettingOfAMailboxBuiltInCodeNamesTheSettingMeant() {
    Mailbox m = mailbox().setting("smtp.max-conections", "5").build();

    assertThatThrownBy(() -> org.outmail.MailboxRegistry.builder().mailbox(m).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("mailbox 'mb': smtp.max-conections is not a setting of protocol smtp;"
            + " did you mean smtp.max-connections? its settings: [max-connections, ");
  }

  @Test
  void aMailboxWithoutHostIsRefused() {
    assertThatThrownBy(() -> provider.validate(Mailbox.builder("mb").emailDisplay("desk@example.com").build()))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("host");
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': host is required for protocol smtp");
        });
  }

  @Test
  void aUserNameWithoutPasswordOrOAuthClientIsRefused() {
    assertThatThrownBy(() -> provider.validate(mailbox().username("svc").build()))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("password");
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': password is required with username 'svc' (or set an oauth-client)");
        });
  }

  @Test
  void theMaximumOfRecipientsPerTransactionIsDescribedAndChecked() {
    assertThat(provider.settings()).anySatisfy(s -> {
      assertThat(s.name()).isEqualTo("max-recipients-per-transaction");
      assertThat(s.defaultValue()).contains("100");
    });
    assertThatThrownBy(
        () -> SmtpOptions.of(Mailbox.textForm().set(mailbox(), "smtp.max-recipients-per-transaction", "0").build()))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("smtp.max-recipients-per-transaction");
    assertThatThrownBy(() -> SmtpOptions.builder().maxRecipientsPerTransaction(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-recipients-per-transaction must be at least 1, was 0");
  }

  @Test
  void pipeliningChunkingAndMailsInFlightAreDescribedReadAndChecked() {
    assertThat(provider.settings()).extracting(s -> s.name() + "=" + s.defaultValue().orElse(""))
        .contains("pipelining=true", "chunking=true", "max-in-flight=8");
    SmtpOptions defaults = SmtpOptions.of(mailbox().build());
    assertThat(defaults.pipelining()).isTrue();
    assertThat(defaults.chunking()).isTrue();
    assertThat(defaults.maxInFlight()).isEqualTo(8);

    SmtpOptions off = SmtpOptions.of(Mailbox.textForm().set(
        Mailbox.textForm().set(Mailbox.textForm().set(mailbox(), "smtp.pipelining", "false"), "smtp.chunking", "false"),
        "smtp.max-in-flight", "1").build());
    assertThat(off.pipelining()).isFalse();
    assertThat(off.chunking()).isFalse();
    assertThat(off.maxInFlight()).isEqualTo(1);
    assertThat(SmtpOptions.of(mailbox().options(SmtpOptions.builder().chunking(false).maxInFlight(3).build()).build())
        .values())
        .containsEntry("chunking", "false").containsEntry("max-in-flight", "3").containsEntry("pipelining", "true");

    assertThatThrownBy(() -> SmtpOptions.of(Mailbox.textForm().set(mailbox(), "smtp.max-in-flight", "0").build()))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("smtp.max-in-flight");
    assertThatThrownBy(() -> SmtpOptions.of(Mailbox.textForm().set(mailbox(), "smtp.chunking", "maybe").build()))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("smtp.chunking");
    assertThatThrownBy(() -> SmtpOptions.builder().maxInFlight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max-in-flight must be at least 1, was 0");
  }

  @Test
  void theServersModeAndBackoffAreDescribedReadAndChecked() {
    assertThat(provider.settings()).extracting(s -> s.name() + "=" + s.defaultValue().orElse(""))
        .contains("servers-mode=FAILOVER", "servers-backoff=30s");
    SmtpOptions defaults = SmtpOptions.of(mailbox().build());
    assertThat(defaults.serversMode()).isEqualTo(SmtpOptions.ServersMode.FAILOVER);
    assertThat(defaults.serversBackoff()).isEqualTo(Duration.ofSeconds(30));

    SmtpOptions rr = SmtpOptions
        .of(mailbox().setting("smtp.servers-mode", "round-robin").setting("smtp.servers-backoff", "5s").build());
    assertThat(rr.serversMode()).isEqualTo(SmtpOptions.ServersMode.ROUND_ROBIN);
    assertThat(rr.serversBackoff()).isEqualTo(Duration.ofSeconds(5));
    SmtpOptions coded = SmtpOptions
        .of(mailbox().options(SmtpOptions.builder().serversMode(SmtpOptions.ServersMode.ROUND_ROBIN)
            .serversBackoff(Duration.ofMillis(1500)).build()).build());
    assertThat(coded.serversMode()).isEqualTo(SmtpOptions.ServersMode.ROUND_ROBIN);
    assertThat(coded.serversBackoff()).isEqualTo(Duration.ofMillis(1500));
    assertThat(coded.values()).containsEntry("servers-mode", "round-robin");

    assertThatThrownBy(
        () -> org.outmail.MailboxRegistry.builder().mailbox(mailbox().setting("smtp.servers-mode", "random").build())
            .build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("mailbox 'mb'").hasMessageContaining("smtp.servers-mode");
    assertThatThrownBy(() -> SmtpOptions.builder().serversBackoff(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("servers-backoff must not be negative, was PT-1S");
  }

  @Test
  void aPasswordWithoutUserNameIsRefused() {
    assertThatThrownBy(() -> provider.validate(mailbox().password(Secret.of("pw")).build()))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("username"));
  }

  @Test
  void aGenericOAuthClientMustNameItsScopes() {
    OAuthClient generic = OAuthClient.builder("idp").clientId("id").clientSecret(Secret.of("s"))
        .tokenEndpoint(java.net.URI.create("https://idp.example.com/token")).build();

    assertThatThrownBy(() -> provider.validate(mailbox().oauthClient(generic).build()))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("oauth-client");
          assertThat(e.getMessage()).isEqualTo("mailbox 'mb': oauth-client 'idp' is GENERIC and names no scopes; "
              + "give the SMTP scope of its provider");
        });
  }

  @Test
  void anUnusableTrustStoreIsRefusedAtStartUp(@TempDir Path dir) throws Exception {
    Path junk = Files.writeString(dir.resolve("trust.p12"), "not a key store");

    assertThatThrownBy(() -> provider.validate(mailbox().trustStore(junk).build()))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("trust-store");
          assertThat(e.getMessage()).startsWith("mailbox 'mb': trust-store " + junk
              + " is neither PEM certificates nor a PKCS12 store readable with the trust-store-password");
        });
    assertThatThrownBy(() -> provider.validate(mailbox().trustStore(dir.resolve("missing.pem")).build()))
        .isInstanceOfSatisfying(MailboxConfigException.class,
            e -> assertThat(e.getMessage()).contains("cannot be read"));
  }

  @Test
  void openingDoesNotConnect() {
    MailTransport t = provider.open(mailbox().host("no-such-host.invalid").build(), Fixtures.noTokens());
    t.close();
  }

  @Test
  void aConnectionReadsWithTheReadTimeoutAndWritesWithTcpNoDelay() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer()) {
      Mailbox mb = Fixtures.mailbox(server.port(), Encryption.NONE).connectTimeout(Duration.ofSeconds(7))
          .readTimeout(Duration.ofSeconds(11)).writeTimeout(Duration.ofSeconds(13)).build();
      ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
      try {
        SmtpConnection c = new Connector(mb, mb.servers().get(0), Tls.context(mb),
            new SmtpAuth(mb, Fixtures.noTokens().accessTokens()), scheduler)
            .open();
        try {
          assertThat(c.tcpSocket().getSoTimeout()).isEqualTo(11_000);
          assertThat(c.tcpSocket().getTcpNoDelay()).isTrue();
          assertThat(c.greeting().code()).isEqualTo(220);
        } finally {
          c.closeQuietly();
        }
      } finally {
        scheduler.shutdown();
      }
    }
  }
}
