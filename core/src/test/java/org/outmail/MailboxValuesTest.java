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
    m.values().forEach(b::set);
    m.secrets().forEach(b::secret);
    Mailbox copy = b.build();

    assertThat(copy.values()).isEqualTo(m.values());
    assertThat(copy.secrets()).isEqualTo(m.secrets());
    assertThat(copy.sameAs(m)).isTrue();
    assertThat(copy.oauthClient().orElseThrow().tokenEndpoint()).isEqualTo(m.oauthClient().orElseThrow().tokenEndpoint());
  }

  @Test
  void valuesNeverHoldASecret() {
    Mailbox m = full();
    assertThat(m.values().toString()).doesNotContain("pw-1234", "ts-secret", "client-secret-1");
    assertThat(m.values()).containsEntry("port", "2525").containsEntry("connect-timeout", "1500ms")
        .containsEntry("oauth-client", "m365").containsEntry("oauth-client.tenant", "contoso.example")
        .containsEntry("smtp.max-connections", "5").containsEntry("status", "DISABLED");
    assertThat(m.secrets()).containsOnlyKeys("password", "trust-store-password", "oauth-client.client-secret");
  }

  @Test
  void anInlineOAuthClientIsBuiltFromItsFields() {
    Mailbox m = Mailbox.builder("owa").emailDisplay("desk@example.com").protocol("owa")
        .set("oauth-client.provider", "microsoft").set("oauth-client.tenant", "contoso.example")
        .set("oauth-client.client-id", "app").secret("oauth-client.client-secret", Secret.of("s3cret-value"))
        .build();
    OAuthClient c = m.oauthClient().orElseThrow();
    assertThat(c.name()).isEqualTo("owa");
    assertThat(c.clientSecret()).contains(Secret.of("s3cret-value"));
  }

  @Test
  void anInlineOAuthClientWithoutItsSecretNamesTheField() {
    assertThatThrownBy(() -> Mailbox.builder("owa").emailDisplay("desk@example.com")
        .set("oauth-client.provider", "microsoft").set("oauth-client.tenant", "t").set("oauth-client.client-id", "app")
        .build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'owa': oauth-client.client-secret is required for the client-credentials grant");
  }

  @Test
  void secretTakesTheValueAsItIsWithoutResolvingReferences() {
    Mailbox m = Mailbox.builder("a").emailDisplay("a@example.com").secret("password", Secret.of("${file:/etc/passwd}"))
        .build();
    assertThat(m.password().orElseThrow().value()).isEqualTo("${file:/etc/passwd}");
    assertThatThrownBy(() -> Mailbox.builder("a").secret("host", Secret.of("x")))
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

    Map<String, String> errors = Mailbox.validate(form);

    assertThat(errors).containsOnlyKeys("port", "encryption", "email-display", "exclude-expression");
    assertThat(errors.get("port")).isEqualTo("must be between 1 and 65535, was 99999");
    assertThat(errors.get("encryption")).startsWith("'TLS' is ambiguous; write SSL_TLS");
    assertThat(errors.get("exclude-expression")).startsWith("is not a valid regular expression");
  }

  @Test
  void validateSaysWhatIsMissing() {
    assertThat(Mailbox.validate(Map.of("id", "a"))).containsExactly(Map.entry("email-display", "is required for an OUT mailbox"));
    assertThat(Mailbox.validate(Map.of("id", "bad id!", "email-display", "a@example.com")))
        .containsExactly(Map.entry("id", "must be 1 to 64 letters, digits, '.', '_' or '-'"));
    assertThat(Mailbox.validate(Map.of("email-display", "a@example.com"))).containsExactly(Map.entry("id", "is required"));
    assertThat(Mailbox.validate(Map.of("id", "a", "email-display", "a@example.com", "port", "abc")))
        .containsExactly(Map.entry("port", "'abc' is not a whole number"));
  }
}
