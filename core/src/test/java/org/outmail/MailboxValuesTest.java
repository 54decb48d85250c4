package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;

/** A mailbox in its text form and back, and a form's fields checked all at once. */
class MailboxValuesTest {
  private static final TextForm<Mailbox, Mailbox.Builder> FORM = Mailbox.textForm();

  static Mailbox full() {
    return Mailbox.builder("support").name("Service Desk").enabled(false).emailDisplay("support@example.com")
        .displayName("Your Service Desk").host("smtp.example.com").port(2525).encryption(Encryption.SSL_TLS)
        .username("svc").password(Secret.of("pw-1234")).protocol("smtp").prefix("TICKET#")
        .allowedEmails(AllowedEmails.ANY).defaultOutgoing(true).excludeExpression(".*@noreply\\.example\\.com")
        .postSendHooks("audit", "count").connectTimeout(Duration.ofMillis(1500)).retryMaxAttempts(5)
        .trustStore(Path.of("/etc/ca.pem")).trustStorePassword(Secret.of("ts-secret"))
        .oauthClient(OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).tenant("contoso.example")
            .clientId("app-1").clientSecret(Secret.of("client-secret-1")).build())
        .setting("smtp.max-connections", "5")
        .build();
  }

  @Test
  void valuesAndSecretsBuildTheSameMailbox() {
    Mailbox m = full();
    Mailbox.Builder b = Mailbox.builder(m.id());
    FORM.values(m).forEach((k, v) -> FORM.set(b, k, v));
    FORM.secrets(m).forEach((k, v) -> FORM.secret(b, k, v));
    Mailbox copy = b.build();

    assertThat(FORM.values(copy)).isEqualTo(FORM.values(m));
    assertThat(FORM.secrets(copy)).isEqualTo(FORM.secrets(m));
    assertThat(copy.sameAs(m)).isTrue();
    assertThat(copy.oauthClient().orElseThrow().tokenEndpoint())
        .isEqualTo(m.oauthClient().orElseThrow().tokenEndpoint());
  }

  @Test
  void valuesNeverHoldASecret() {
    Mailbox m = full();
    assertThat(FORM.values(m).toString()).doesNotContain("pw-1234", "ts-secret", "client-secret-1");
    assertThat(FORM.values(m)).containsEntry("port", "2525").containsEntry("connect-timeout", "1500ms")
        .containsEntry("oauth-client", "m365").containsEntry("oauth-client.tenant", "contoso.example")
        .containsEntry("smtp.max-connections", "5").containsEntry("status", "DISABLED");
    assertThat(FORM.secrets(m)).containsOnlyKeys("password", "trust-store-password", "oauth-client.client-secret");
  }

  @Test
  void anInlineOAuthClientIsBuiltFromItsFields() {
    Mailbox.Builder b = Mailbox.builder("owa").emailDisplay("desk@example.com").protocol("owa");
    FORM.set(b, "oauth-client.provider", "microsoft");
    FORM.set(b, "oauth-client.tenant", "contoso.example");
    FORM.set(b, "oauth-client.client-id", "app");
    FORM.secret(b, "oauth-client.client-secret", Secret.of("s3cret-value"));
    Mailbox m = b.build();
    OAuthClient c = m.oauthClient().orElseThrow();
    assertThat(c.name()).isEqualTo("owa");
    assertThat(c.clientSecret()).contains(Secret.of("s3cret-value"));
  }

  @Test
  void anInlineOAuthClientWithoutItsSecretNamesTheField() {
    Mailbox.Builder b = Mailbox.builder("owa").emailDisplay("desk@example.com");
    FORM.set(b, "oauth-client.provider", "microsoft");
    FORM.set(b, "oauth-client.tenant", "t");
    FORM.set(b, "oauth-client.client-id", "app");
    assertThatThrownBy(b::build)
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'owa': oauth-client.client-secret is required for the client-credentials grant");
  }

  @Test
  void secretTakesTheValueAsItIsWithoutResolvingReferences() {
    Mailbox m = FORM.secret(Mailbox.builder("a").emailDisplay("a@example.com"), "password",
        Secret.of("${file:/etc/passwd}")).build();
    assertThat(m.password().orElseThrow().value()).isEqualTo("${file:/etc/passwd}");
    assertThatThrownBy(() -> FORM.secret(Mailbox.builder("a"), "host", Secret.of("x")))
        .hasMessage("mailbox 'a': host is not a secret field; secret fields: "
            + "[password, trust-store-password, oauth-client.client-secret, oauth-client.refresh-token, oauth-client.proxy-password], "
            + "or a transport's secret setting such as smtp.dkim.private-key");
  }

  @Test
  void validateReportsEveryBadFieldAtOnce() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("id", "support");
    form.put("name", "Service Desk");
    form.put("port", "99999");
    form.put("encryption", "TLS");
    form.put("email-display", "not an address");
    form.put("exclude-expression", "(");
    form.put("host", "");

    Map<String, String> errors = FORM.validate(form, Map.of());

    assertThat(errors).containsOnlyKeys("port", "encryption", "email-display", "exclude-expression");
    assertThat(errors.get("port")).isEqualTo("must be between 1 and 65535, was 99999");
    assertThat(errors.get("encryption")).startsWith("'TLS' is ambiguous; write SSL_TLS");
    assertThat(errors.get("exclude-expression")).startsWith("is not a valid regular expression");
  }

  @Test
  void validateSaysWhatIsMissing() {
    assertThat(FORM.validate(Map.of("id", "a"), Map.of()))
        .containsExactly(Map.entry("email-display", "is required for an OUT mailbox"));
    assertThat(FORM.validate(Map.of("id", "bad id!", "email-display", "a@example.com"), Map.of()))
        .containsExactly(Map.entry("id", "must be 1 to 64 letters, digits, '.', '_' or '-'"));
    assertThat(FORM.validate(Map.of("email-display", "a@example.com"), Map.of()))
        .containsExactly(Map.entry("id", "is required"));
    assertThat(FORM.validate(Map.of("id", "a", "email-display", "a@example.com", "port", "abc"), Map.of()))
        .containsExactly(Map.entry("port", "'abc' is not a whole number"));
  }
}
