package org.outmail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.outmail.AllowedEmails;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxType;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import org.outmail.testing.GateTransportProvider;
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

  private static final Map<String, String> ENV = Map.of("SUPPORT_SMTP_PASSWORD", "pw-from-env", "M365_SECRET",
      "secret-from-env");

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
    assertThat(c.tokenEndpoint())
        .hasToString("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
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
        .hasMessageStartingWith(
            "outmail.mailbox.support.hots: unknown key; did you mean outmail.mailbox.support.host? known fields: [")
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
    assertThatThrownBy(
        () -> load("outmail.mailbox.support.email-display=a@example.com\noutmail.mailbox.support.port=70000\n"))
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
    assertThatThrownBy(() -> load(
        "outmail.mailbox.support.email-display=a@example.com\noutmail.mailbox.support.oauth-client=google\n"))
        .hasMessage("outmail.mailbox.support.oauth-client: no OAuth client named 'google'; clients: []");
  }

  @Test
  void incompleteOAuthClientIsNamed() {
    assertThatThrownBy(() -> load(
        "outmail.oauth-client.m365.provider=microsoft\noutmail.oauth-client.m365.client-id=x\noutmail.oauth-client.m365.client-secret=s\n"))
        .hasMessage("outmail.oauth-client.m365.tenant: is required for provider MICROSOFT (or give an authority)");
  }

  @Test
  void badExcludeExpressionIsNamed() {
    assertThatThrownBy(() -> load(
        "outmail.mailbox.support.email-display=a@example.com\noutmail.mailbox.support.exclude-expression=([a-z\n"))
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
  void missingFileIsAConfigErrorNamingTheFileWithoutTheJdkExceptionName(@TempDir Path dir) {
    Path missing = dir.resolve("nope.properties");

    assertThatThrownBy(() -> MailboxRegistry.load(missing))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("cannot read mailbox configuration " + missing + ": not found");
    assertThatThrownBy(() -> MailboxRegistry.builder().load(missing))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("cannot read mailbox configuration " + missing + ": not found");
    Path deeper = dir.resolve("etc").resolve("nope.properties");
    assertThatThrownBy(() -> MailboxRegistry.load(deeper))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("cannot read mailbox configuration " + deeper + ": not found (its folder "
            + dir.resolve("etc") + " does not exist either)");
  }

  @Test
  void aDirectoryOrADeviceIsNotReadAsAConfiguration(@TempDir Path dir) {
    assertThatThrownBy(() -> MailboxRegistry.load(dir))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("cannot read mailbox configuration " + dir + ": not a regular file (a directory)");
    Path device = Path.of("/dev/zero");
    if (Files.exists(device)) {
      assertThatThrownBy(() -> MailboxRegistry.load(device))
          .isInstanceOf(MailboxConfigException.class)
          .hasMessage("cannot read mailbox configuration /dev/zero: not a regular file");
    }
  }

  @Test
  void aConfigurationFileLargerThan16MiBIsNotRead(@TempDir Path dir) throws Exception {
    Path huge = dir.resolve("huge.properties");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(PropertiesFile.MAX_BYTES + 1);
    }

    assertThatThrownBy(() -> MailboxRegistry.load(huge))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("cannot read mailbox configuration " + huge
            + ": larger than 16 MiB, which no mailbox configuration needs");
  }

  private static Path write(Path dir, String text) throws java.io.IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("mailboxes.properties"), text);
  }

  private static List<Mailbox> loadFile(Path file) {
    return ConfigLoader.fromFile(file, ENV::get).mailboxes();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "${env:hunter2                | is not a complete ${env:NAME} reference: the closing } is missing",
      "${env:SUPPORT_SMTP_PASSWORD}x | is not a complete ${env:NAME} reference: there is text after the closing }",
      "${env:}                      | is not a complete ${env:NAME} reference: the name is empty",
      "${file:}                     | is not a complete ${file:path} reference: the path is empty",
      "${file:/run/secrets/pw       | is not a complete ${file:path} reference: the closing } is missing",
      "${vault:hunter2              | is an unknown secret reference ${vault:...}; use ${env:NAME} or ${file:path}",
      "${hunter2}                   | starts with ${ but is not a secret reference; use ${env:NAME} or ${file:path}"})
  void brokenSecretReferenceIsAnErrorNamingTheKeyButNotTheValue(String value, String problem, @TempDir Path dir)
      throws Exception {
    Path file = write(dir, "outmail.mailbox.support.email-display=a@example.com\n"
        + "outmail.mailbox.support.password=" + value + "\n");

    assertThatThrownBy(() -> loadFile(file))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("outmail.mailbox.support.password: " + problem)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "/run/secrets", "SUPPORT_SMTP"));
  }

  @Test
  void brokenReferenceInAClientSecretIsNamedToo() {
    assertThatThrownBy(() -> load(
        "outmail.oauth-client.m365.client-id=x\noutmail.oauth-client.m365.client-secret=${env:M365_SECRET\n"))
        .hasMessage(
            "outmail.oauth-client.m365.client-secret: is not a complete ${env:NAME} reference: the closing } is missing");
  }

  @Test
  void relativeFileReferenceIsReadFromTheConfigurationFolder(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("secrets"));
    Files.writeString(conf.resolve("secrets/smtp-password"), "from-relative-file\n");
    Files.writeString(conf.resolve("client-secret"), "client-from-relative-file\n");
    Path absolute = Files.writeString(dir.resolve("absolute-secret"), "from-absolute-file\n");
    Path file = write(conf, """
        outmail.mailbox.support.email-display=a@example.com
        outmail.mailbox.support.password=${file:secrets/smtp-password}
        outmail.mailbox.support.trust-store-password=${file:%s}
        outmail.mailbox.support.oauth-client=m365
        outmail.oauth-client.m365.client-id=x
        outmail.oauth-client.m365.client-secret=${file:client-secret}
        outmail.oauth-client.m365.token-endpoint=https://login.example.com/token
        """.formatted(absolute.toString().replace("\\", "\\\\")));

    Mailbox mb = loadFile(file).get(0);

    assertThat(mb.password().orElseThrow().value()).isEqualTo("from-relative-file");
    assertThat(mb.password().orElseThrow().source()).isEqualTo("file:" + conf.resolve("secrets/smtp-password"));
    assertThat(mb.trustStorePassword().orElseThrow().value()).isEqualTo("from-absolute-file");
    assertThat(mb.oauthClient().orElseThrow().clientSecret().orElseThrow().value())
        .isEqualTo("client-from-relative-file");
  }

  @Test
  void emptyFileIsAnErrorSayingItHasNoMailboxes(@TempDir Path dir) throws Exception {
    Path file = write(dir, "# nothing configured yet\n");

    assertThatThrownBy(() -> loadFile(file))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("no mailboxes in " + file + ": no key starts with outmail.");
  }

  @Test
  void fileWhoseKeysAreAllMisspeltNamesTheKeyItMeant(@TempDir Path dir) throws Exception {
    Path file = write(dir, """
        # the support mailbox
        outmial.mailbox.support.host=smtp.example.com
        Outmail.mailbox.support.email-display=support@example.com
        """);

    assertThatThrownBy(() -> loadFile(file))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("no mailboxes in " + file + ": no key starts with outmail.; "
            + "outmial.mailbox.support.host (line 2): did you mean outmail.mailbox.support.host?");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Outmail.mailbox.sales.host        | outmail.mailbox.sales.host",
      "OUTMAIL.MAILBOX.sales.host        | outmail.mailbox.sales.host",
      "outmial.mailbox.sales.host        | outmail.mailbox.sales.host",
      "outmail-mailbox.sales.host        | outmail.mailbox.sales.host",
      "outmail.mailboxes.sales.host      | outmail.mailbox.sales.host",
      "outmail.oauth_client.m365.tenant  | outmail.oauth-client.m365.tenant",
      "outmail.oauthclient.m365.tenant   | outmail.oauth-client.m365.tenant",
      "Outmail.token-store.file          | outmail.token-store.file"})
  void nearMissPrefixBesideGoodKeysIsNamed(String key, String meant, @TempDir Path dir) throws Exception {
    Path file = write(dir, """
        outmail.mailbox.support.email-display=support@example.com
        app.mailbox.size=10
        mail.smtp.host=smtp.example.com
        """ + key + "=x\n");

    assertThatThrownBy(() -> loadFile(file))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith(key + ": unknown key; did you mean " + meant + "?")
        .satisfies(e -> assertThat(((MailboxConfigException) e).field()).isEqualTo(key));
  }

  @Test
  void sameKeyTwiceIsAnErrorNamingBothLines(@TempDir Path dir) throws Exception {
    String good = """
        # comment lines are not continued \\
        outmail.mailbox.support.email-display=support@example.com
        outmail.mailbox.support.display-name = Your \\
            Service \\u0044esk
          ! an indented comment
        outmail.mailbox.support.prefix:TICKET\\#

        outmail.mailbox.support.host smtp.example.com
        """;
    Properties expected = new Properties();
    expected.load(new StringReader(good));
    Mailbox mb = loadFile(write(dir.resolve("good"), good)).get(0);
    assertThat(mb.displayName()).contains(expected.getProperty("outmail.mailbox.support.display-name"))
        .contains("Your Service Desk");
    assertThat(mb.prefix()).contains("TICKET#");
    assertThat(mb.host()).contains("smtp.example.com");

    Path file = write(dir.resolve("twice"), good + "outmail.mailbox.support.h\\u006fst=smtp2.example.com\n");

    assertThatThrownBy(() -> loadFile(file))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("outmail.mailbox.support.host: set twice in " + file + ", on lines 8 and 9")
        .satisfies(e -> assertThat(((MailboxConfigException) e).field()).isEqualTo("outmail.mailbox.support.host"));
  }

  @Test
  void fileThatIsNotUtf8IsAnErrorWithTheLineNumber(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mailboxes.properties");
    Files.write(file,
        "outmail.mailbox.support.email-display=support@example.com\r\n\r\noutmail.mailbox.support.display-name=Kundendienst M\u00fcller\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> loadFile(file))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox configuration " + file + " is not UTF-8: line 3 has a byte that is not valid UTF-8 "
            + "(save the file as UTF-8)");
  }

  @Test
  void byteOrderMarkIsSkipped(@TempDir Path dir) throws Exception {
    Path file = write(dir, "\uFEFFoutmail.mailbox.support.email-display=support@example.com\n");

    assertThat(loadFile(file)).extracting(Mailbox::emailDisplay).containsExactly("support@example.com");
  }

  @Test
  void encryptionTlsIsRefusedAsAmbiguous() {
    assertThatThrownBy(
        () -> load("outmail.mailbox.support.email-display=a@example.com\noutmail.mailbox.support.encryption=tls\n"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("outmail.mailbox.support.encryption: 'tls' is ambiguous; write SSL_TLS for TLS from the first byte "
            + "(usually port 465) or STARTTLS for plain text upgraded to TLS (usually port 587)");
  }

  @Test
  void aDisplayNameWithALineBreakNamesTheKeyTheCharacterAndItsPositionFromAFileAndFromTheBuilder(@TempDir Path dir)
      throws Exception {
    Path file = write(dir, """
        outmail.mailbox.support.email-display=support@example.com
        outmail.mailbox.support.display-name=Desk\\r\\nBcc: evil@example.org
        """);

    assertThatThrownBy(() -> ConfigLoader.fromFile(file, ENV::get))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("outmail.mailbox.support.display-name");
          assertThat(e.mailboxId()).isEqualTo("support");
        })
        .hasMessage("outmail.mailbox.support.display-name: contains a forbidden character U+000D at index 4");
    assertThatThrownBy(() -> Mailbox.builder("support").displayName("Desk\r\nBcc: evil@example.org"))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("display-name"))
        .hasMessage("mailbox 'support': display-name contains a forbidden character U+000D at index 4");
    assertThatThrownBy(
        () -> Mailbox.textForm().set(Mailbox.builder("support"), "display-name", "Desk\nBcc: evil@example.org"))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("display-name"))
        .hasMessage("mailbox 'support': display-name contains a forbidden character U+000A at index 4");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "outmail.mailbox.desk.gate.dpeth  | outmail.mailbox.desk.gate.depth",
      "outmail.mailbox.desk.gate.deptth | outmail.mailbox.desk.gate.depth",
      "outmail.mailbox.desk.gaet.depth  | outmail.mailbox.desk.gate.depth",
      "outmail.mailbox.desk.gate.dpht   | outmail.mailbox.desk.gate.depth"})
  void misspeltTransportSettingIsAnUnknownKeyNamedInFullWithTheKeyMeant(String key, String meant) {
    Properties p = new Properties();
    p.setProperty("outmail.mailbox.desk.email-display", "desk@example.com");
    p.setProperty("outmail.mailbox.desk.host", "mail.example.com");
    p.setProperty("outmail.mailbox.desk.protocol", GateTransportProvider.PROTOCOL);
    p.setProperty(key, "2");

    assertThatThrownBy(() -> MailboxRegistry.builder().load(p).transportProvider(new GateTransportProvider()).build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo(key))
        .hasMessage(key + ": unknown key; did you mean " + meant + "? settings of protocol gate: [gate.depth]");
  }

  @Test
  void unknownTransportSettingFarFromAnyIsNamedInFullWithTheTransportsSettings() {
    Properties p = new Properties();
    p.setProperty("outmail.mailbox.desk.email-display", "desk@example.com");
    p.setProperty("outmail.mailbox.desk.host", "mail.example.com");
    p.setProperty("outmail.mailbox.desk.protocol", GateTransportProvider.PROTOCOL);
    p.setProperty("outmail.mailbox.desk.gate.colour", "red");

    assertThatThrownBy(() -> MailboxRegistry.builder().load(p).transportProvider(new GateTransportProvider()).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("outmail.mailbox.desk.gate.colour: unknown key; settings of protocol gate: [gate.depth]");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "outmail.mailbox.support.pasword                | outmail.mailbox.support.password",
      "outmail.mailbox.support.Password               | outmail.mailbox.support.password",
      "outmail.mailbox.support.hots                   | outmail.mailbox.support.host",
      "outmail.mailbox.support.emial-display          | outmail.mailbox.support.email-display",
      "outmail.mailbox.support.retry.max-atempts      | outmail.mailbox.support.retry.max-attempts",
      "outmail.oauth-client.m365.client-secert        | outmail.oauth-client.m365.client-secret",
      "outmail.oauth-client.m365.tennant              | outmail.oauth-client.m365.tenant"})
  void unknownKeyCloseToAFieldSaysWhichItMeant(String key, String meant) {
    assertThatThrownBy(() -> load(key + "=x\n"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith(key + ": unknown key; did you mean " + meant + "?");
  }
}
