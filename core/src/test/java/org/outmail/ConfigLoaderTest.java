package org.outmail;

import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.testing.RecordingTransportProvider;

class ConfigLoaderTest {
  private static final String DESIGN_EXAMPLE = """
      outmail.mailbox.support.name=Service Desk
      outmail.mailbox.support.type=OUT
      outmail.mailbox.support.status=ENABLED
      outmail.mailbox.support.email-display=support@example.com
      outmail.mailbox.support.display-name=Your Service Desk
      outmail.mailbox.support.host=smtp.example.com
      outmail.mailbox.support.port=587
      outmail.mailbox.support.encryption=STARTTLS
      outmail.mailbox.support.username=svc-desk
      outmail.mailbox.support.password=${env:SUPPORT_SMTP_PASSWORD}
      outmail.mailbox.support.protocol=SMTP
      outmail.mailbox.support.prefix=TICKET#
      outmail.mailbox.support.allowed-emails=ANY
      outmail.mailbox.support.default-outgoing=true
      outmail.mailbox.support.exclude-expression=.*@noreply\\\\.example\\\\.com
      outmail.mailbox.support.post-send-hooks=audit
      outmail.mailbox.support.oauth-client=m365
      outmail.oauth-client.m365.provider=microsoft
      outmail.oauth-client.m365.tenant=contoso.onmicrosoft.com
      outmail.oauth-client.m365.client-id=11111111-2222
      outmail.oauth-client.m365.client-secret=${env:M365_SECRET}
      """;

  private static final Map<String, String> ENV = Map.of("SUPPORT_SMTP_PASSWORD", "pw-from-env", "M365_SECRET", "secret-from-env");

  private static List<Mailbox> load(String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return ConfigLoader.fromProperties(p, ENV::get).mailboxes();
  }

  @Test
  void loadsTheDesignExample() {
    Mailbox mb = load(DESIGN_EXAMPLE).get(0);
    assertThat(mb.id()).isEqualTo("support");
    assertThat(mb.name()).isEqualTo("Service Desk");
    assertThat(mb.type()).isEqualTo(MailboxType.OUT);
    assertThat(mb.enabled()).isTrue();
    assertThat(mb.emailDisplay()).isEqualTo("support@example.com");
    assertThat(mb.displayName()).contains("Your Service Desk");
    assertThat(mb.host()).contains("smtp.example.com");
    assertThat(mb.port()).isEqualTo(587);
    assertThat(mb.encryption()).isEqualTo(Encryption.STARTTLS);
    assertThat(mb.username()).contains("svc-desk");
    assertThat(mb.password().orElseThrow().value()).isEqualTo("pw-from-env");
    assertThat(mb.protocol()).isEqualTo("smtp");
    assertThat(mb.prefix()).contains("TICKET#");
    assertThat(mb.allowedEmails()).isEqualTo(AllowedEmails.ANY);
    assertThat(mb.defaultOutgoing()).isTrue();
    assertThat(mb.excludeExpression()).contains(".*@noreply\\.example\\.com");
    assertThat(mb.postSendHooks()).containsExactly("audit");
    OAuthClient c = mb.oauthClient().orElseThrow();
    assertThat(c.provider()).isEqualTo(OAuthProvider.MICROSOFT);
    assertThat(c.tenant()).contains("contoso.onmicrosoft.com");
    assertThat(c.clientId()).isEqualTo("11111111-2222");
    assertThat(c.clientSecret().orElseThrow().value()).isEqualTo("secret-from-env");
    assertThat(c.tokenEndpoint()).hasToString("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  }

  @Test
  void transportSettingsAndDurationsAreRead() {
    Mailbox mb = load("""
        outmail.mailbox.a.email-display=a@example.com
        outmail.mailbox.a.connect-timeout=500ms
        outmail.mailbox.a.read-timeout=2m
        outmail.mailbox.a.write-timeout=PT7S
        outmail.mailbox.a.smtp.idle-timeout=90s
        outmail.mailbox.a.smtp.max-connections=4
        outmail.mailbox.a.retry.max-attempts=5
        outmail.mailbox.a.retry.initial-backoff=100ms
        outmail.mailbox.a.retry.max-backoff=10s
        outmail.mailbox.a.owa.send-as=user-id-1
        outmail.mailbox.a.encryption=ssl/tls
        outmail.mailbox.a.status=disabled
        """).get(0);
    assertThat(mb.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(mb.readTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(mb.writeTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(mb.settings()).containsExactly(entry("owa.send-as", "user-id-1"),
        entry("smtp.idle-timeout", "90s"), entry("smtp.max-connections", "4"));
    assertThat(mb.settings("smtp")).containsExactly(entry("idle-timeout", "90s"), entry("max-connections", "4"));
    assertThat(mb.retryPolicy().maxAttempts()).isEqualTo(5);
    assertThat(mb.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(mb.retryPolicy().maxBackoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(mb.encryption()).isEqualTo(Encryption.SSL_TLS);
    assertThat(mb.enabled()).isFalse();
  }

  @Test
  void unknownKeyIsNamed() {
    assertThatThrownBy(() -> load("outmail.mailbox.support.hots=smtp.example.com\n"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("outmail.mailbox.support.hots: unknown key; known fields: [")
        .satisfies(e -> assertThat(((MailboxConfigException) e).field()).isEqualTo("outmail.mailbox.support.hots"));
    assertThatThrownBy(() -> load("outmail.mailboxes.support.host=x\n"))
        .hasMessageStartingWith("outmail.mailboxes.support.host: unknown key");
    assertThatThrownBy(() -> load("outmail.oauth-client.m365.secret=x\n"))
        .hasMessageStartingWith("outmail.oauth-client.m365.secret: unknown key");
  }

  @Test
  void badEnumIsNamedWithTheAllowedValues() {
    assertThatThrownBy(() -> load("outmail.mailbox.support.type=SEND\n"))
        .hasMessage("outmail.mailbox.support.type: 'SEND' is not one of [IN, OUT]");
    assertThatThrownBy(() -> load("outmail.mailbox.support.encryption=SSLv3\n"))
        .hasMessage("outmail.mailbox.support.encryption: 'SSLv3' is not one of [NONE, SSL_TLS, STARTTLS]");
    assertThatThrownBy(() -> load("outmail.mailbox.support.status=ON\n"))
        .hasMessage("outmail.mailbox.support.status: 'ON' is not one of [ENABLED, DISABLED]");
  }

  @Test
  void badNumbersAreNamed() {
    assertThatThrownBy(() -> load("outmail.mailbox.support.port=five\n"))
        .hasMessage("outmail.mailbox.support.port: 'five' is not a whole number");
    assertThatThrownBy(() -> load("outmail.mailbox.support.email-display=a@example.com\noutmail.mailbox.support.port=70000\n"))
        .hasMessage("outmail.mailbox.support.port: must be between 1 and 65535, was 70000");
    assertThatThrownBy(() -> load("outmail.mailbox.support.read-timeout=soon\n"))
        .hasMessageStartingWith("outmail.mailbox.support.read-timeout: 'soon' is not a duration");
  }

  @Test
  void badAddressIsNamed() {
    assertThatThrownBy(() -> load("outmail.mailbox.support.email-display=support at example.com\n"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("outmail.mailbox.support.email-display: is not a valid address");
  }

  @Test
  void missingEnvironmentVariableIsNamedWithoutAValue() {
    assertThatThrownBy(() -> load("outmail.mailbox.support.password=${env:NOT_SET}\n"))
        .hasMessage("outmail.mailbox.support.password: environment variable NOT_SET is not set");
  }

  @Test
  void unknownOAuthClientIsNamed() {
    assertThatThrownBy(() -> load("outmail.mailbox.support.email-display=a@example.com\noutmail.mailbox.support.oauth-client=google\n"))
        .hasMessage("outmail.mailbox.support.oauth-client: no OAuth client named 'google'; clients: []");
  }

  @Test
  void incompleteOAuthClientIsNamed() {
    assertThatThrownBy(() -> load("outmail.oauth-client.m365.provider=microsoft\noutmail.oauth-client.m365.client-id=x\noutmail.oauth-client.m365.client-secret=s\n"))
        .hasMessage("outmail.oauth-client.m365.tenant: is required for provider MICROSOFT (or give an authority)");
  }

  @Test
  void badExcludeExpressionIsNamed() {
    assertThatThrownBy(() -> load("outmail.mailbox.support.email-display=a@example.com\noutmail.mailbox.support.exclude-expression=([a-z\n"))
        .hasMessageStartingWith("outmail.mailbox.support.exclude-expression: is not a valid regular expression");
  }

  @Test
  void configErrorNeverCarriesTheSecret() {
    assertThatThrownBy(() -> load("outmail.mailbox.support.password=hunter2\noutmail.mailbox.support.port=0\n"))
        .isInstanceOf(MailboxConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void loadsAFileIntoARegistry(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mailboxes.properties");
    Files.writeString(file, """
        outmail.mailbox.desk.email-display=desk@example.com
        outmail.mailbox.desk.protocol=recording
        outmail.mailbox.desk.default-outgoing=true
        outmail.mailbox.inbox.type=IN
        outmail.mailbox.inbox.protocol=imap
        outmail.token-store.file=%s
        """.formatted(dir.resolve("tokens.properties")));
    try (MailboxRegistry r = MailboxRegistry.builder().load(file)
        .transportProvider(new RecordingTransportProvider()).build()) {
      assertThat(r.mailboxes()).extracting(Mailbox::id).containsExactly("desk", "inbox");
      assertThat(r.defaultOutgoing().mailbox().id()).isEqualTo("desk");
    }
  }

  @Test
  void missingFileIsAConfigError(@TempDir Path dir) {
    assertThatThrownBy(() -> MailboxRegistry.load(dir.resolve("nope.properties")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("cannot read mailbox configuration");
  }
}
