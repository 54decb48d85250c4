package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;

class MailboxTest {
  private static Mailbox.Builder valid(String id) {
    return Mailbox.builder(id).emailDisplay("support@example.com").host("smtp.example.com");
  }

  @Test
  void everyFieldOfTheSeedIsKept() {
    OAuthClient client = OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).tenant("contoso.onmicrosoft.com")
        .clientId("app").clientSecret(Secret.of("s3cr3t")).build();
    Mailbox mb = Mailbox.builder("support")
        .name("Service Desk").type(MailboxType.OUT).enabled(false)
        .emailDisplay("Support@Example.COM").displayName("Your Service Desk")
        .host("smtp.example.com").port(2525).encryption(Encryption.SSL_TLS)
        .username("svc-desk").password(Secret.of("pw")).protocol("SMTP").oauthClient(client)
        .prefix("TICKET#").allowedEmails(AllowedEmails.REGISTERED_ONLY).defaultOutgoing(true)
        .excludeExpression(".*@noreply\\.example\\.com").postSendHooks("audit", "count")
        .connectTimeout(Duration.ofSeconds(3)).readTimeout(Duration.ofSeconds(4)).writeTimeout(Duration.ofSeconds(5))
        .build();

    assertThat(mb.id()).isEqualTo("support");
    assertThat(mb.name()).isEqualTo("Service Desk");
    assertThat(mb.type()).isEqualTo(MailboxType.OUT);
    assertThat(mb.enabled()).isFalse();
    assertThat(mb.emailDisplay()).isEqualTo("Support@example.com");
    assertThat(mb.displayName()).contains("Your Service Desk");
    assertThat(mb.host()).contains("smtp.example.com");
    assertThat(mb.port()).isEqualTo(2525);
    assertThat(mb.encryption()).isEqualTo(Encryption.SSL_TLS);
    assertThat(mb.username()).contains("svc-desk");
    assertThat(mb.password()).contains(Secret.of("pw"));
    assertThat(mb.protocol()).isEqualTo("smtp");
    assertThat(mb.oauthClient()).contains(client);
    assertThat(mb.prefix()).contains("TICKET#");
    assertThat(mb.allowedEmails()).isEqualTo(AllowedEmails.REGISTERED_ONLY);
    assertThat(mb.defaultOutgoing()).isTrue();
    assertThat(mb.excludeExpression()).contains(".*@noreply\\.example\\.com");
    assertThat(mb.postSendHooks()).containsExactly("audit", "count");
    assertThat(mb.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(mb.readTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(mb.writeTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void defaultsAreSafeAndFinite() {
    Mailbox mb = valid("a").build();
    assertThat(mb.name()).isEqualTo("a");
    assertThat(mb.type()).isEqualTo(MailboxType.OUT);
    assertThat(mb.enabled()).isTrue();
    assertThat(mb.encryption()).isEqualTo(Encryption.STARTTLS);
    assertThat(mb.allowedEmails()).isEqualTo(AllowedEmails.ANY);
    assertThat(mb.protocol()).isEqualTo("smtp");
    assertThat(mb.connectTimeout()).isPositive();
    assertThat(mb.readTimeout()).isPositive();
    assertThat(mb.writeTimeout()).isPositive();
    assertThat(mb.retryPolicy().maxAttempts()).isGreaterThan(1);
  }

  @Test
  void portDefaultsByEncryption() {
    assertThat(valid("a").encryption(Encryption.NONE).build().port()).isEqualTo(25);
    assertThat(valid("a").encryption(Encryption.SSL_TLS).build().port()).isEqualTo(465);
    assertThat(valid("a").encryption(Encryption.STARTTLS).build().port()).isEqualTo(587);
    assertThat(valid("a").build().explicitPort()).isEmpty();
    assertThat(valid("a").port(2525).build().explicitPort()).hasValue(2525);
  }

  @Test
  void badIdIsRefusedNamingTheField() {
    assertThatThrownBy(() -> Mailbox.builder("sup port"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("mailbox id 'sup port'")
        .extracting(e -> ((MailboxConfigException) e).field()).isEqualTo("id");
  }

  @Test
  void portOutOfRangeIsRefused() {
    assertThatThrownBy(() -> valid("support").port(0))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'support': port must be between 1 and 65535, was 0");
    assertThatThrownBy(() -> valid("support").port(65536)).isInstanceOf(MailboxConfigException.class);
  }

  @Test
  void invalidEmailDisplayNamesMailboxAndField() {
    assertThatThrownBy(() -> valid("support").emailDisplay("not-an-address").build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("mailbox 'support': email-display is not a valid address")
        .satisfies(e -> {
          MailboxConfigException c = (MailboxConfigException) e;
          assertThat(c.mailboxId()).isEqualTo("support");
          assertThat(c.field()).isEqualTo("email-display");
        });
  }

  @Test
  void outMailboxNeedsAnEmailDisplay() {
    assertThatThrownBy(() -> Mailbox.builder("support").build())
        .hasMessage("mailbox 'support': email-display is required for an OUT mailbox");
    assertThat(Mailbox.builder("inbox").type(MailboxType.IN).build().type()).isEqualTo(MailboxType.IN);
  }

  @Test
  void invalidExcludeExpressionIsAConfigError() {
    assertThatThrownBy(() -> valid("support").excludeExpression("(unclosed").build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("mailbox 'support': exclude-expression is not a valid regular expression");
  }

  @Test
  void displayNameWithLineBreakIsRefused() {
    assertThatThrownBy(() -> valid("support").displayName("Desk\r\nBcc: evil@example.org").build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("display-name");
  }

  @Test
  void hostMustBeAHostName() {
    assertThatThrownBy(() -> valid("support").host("smtp example.com").build())
        .hasMessage("mailbox 'support': host is not a valid host name: 'smtp example.com'");
    assertThat(valid("a").host("SMTP.Example.com").build().host()).contains("smtp.example.com");
    assertThat(valid("a").host("[::1]").build().host()).contains("[::1]");
  }

  @Test
  void prefixWithWhitespaceIsRefused() {
    assertThatThrownBy(() -> valid("support").prefix("TICKET #").build()).hasMessageContaining("prefix");
  }

  @Test
  void nonPositiveTimeoutIsRefused() {
    assertThatThrownBy(() -> valid("support").connectTimeout(Duration.ZERO))
        .hasMessage("mailbox 'support': connect-timeout must be positive, was PT0S");
  }

  @Test
  void toStringNeverShowsThePassword() {
    Mailbox mb = valid("a").username("u").password(Secret.of("hunter2")).build();
    assertThat(mb.toString()).doesNotContain("hunter2").contains("password=****");
  }

  @Test
  void toBuilderCopiesEveryField() {
    Mailbox mb = valid("a").displayName("Desk").prefix("T#").postSendHooks("h").port(2525).build();
    Mailbox copy = mb.toBuilder().enabled(false).build();
    assertThat(copy.enabled()).isFalse();
    assertThat(copy).usingRecursiveComparison().ignoringFields("enabled", "excludePattern").isEqualTo(mb);
  }

  @Test
  void badArgumentsFailInTheSetterNamingMailboxAndField() {
    assertThatThrownBy(() -> valid("support").emailDisplay("not-an-address"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'support': email-display is not a valid address:"
            + " 'not-an-address' is not an email address (expected local@domain)");
    assertThatThrownBy(() -> valid("support").host("smtp example.com"))
        .hasMessage("mailbox 'support': host is not a valid host name: 'smtp example.com'");
    assertThatThrownBy(() -> valid("support").excludeExpression("(unclosed"))
        .hasMessageStartingWith("mailbox 'support': exclude-expression is not a valid regular expression");
    assertThatThrownBy(() -> valid("support").protocol("sm tp"))
        .hasMessage("mailbox 'support': protocol must be a protocol name such as smtp or owa, was 'sm tp'");
    assertThatThrownBy(() -> valid("support").postSendHooks("audit", "bad hook"))
        .hasMessage("mailbox 'support': post-send-hooks names an invalid hook 'bad hook'");
    assertThatThrownBy(() -> valid("support").username(" "))
        .hasMessage("mailbox 'support': username must not be blank");
  }

  @Test
  void aSetterCalledAgainReplacesAndTheAddingOnesAdd() {
    Mailbox mb = valid("a").host("first.example.com").host("second.example.com").port(25).port(2525)
        .postSendHooks("audit").postSendHooks("count", "audit").excludeExpression("x@.*").excludeExpression("y@.*")
        .build();
    assertThat(mb.host()).contains("second.example.com");
    assertThat(mb.port()).isEqualTo(2525);
    assertThat(mb.postSendHooks()).containsExactly("audit", "count");
    assertThat(mb.excludePattern().matches("y@example.org")).isTrue();
    assertThat(mb.excludePattern().matches("x@example.org")).isFalse();
  }
}
