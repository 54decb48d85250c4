package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.Setting;

/** The {@code smtp.dkim.*} settings: described once, read and checked when the mailbox is loaded. */
class DkimSettingsTest {
  private static final DkimKeyPair RSA = DkimKeyPair.generate("rsa-sha256");
  private static final DkimKeyPair ED25519 = DkimKeyPair.generate("ed25519-sha256");

  @TempDir Path dir;

  private Mailbox.Builder mailbox() {
    return Fixtures.mailbox(2525, Encryption.NONE);
  }

  private String keyFile(String pem) throws Exception {
    Path file = Files.createTempFile(dir, "key", ".pem");
    Files.writeString(file, pem);
    return "${file:" + file + "}";
  }

  private Mailbox.Builder signing(String keyText) {
    return mailbox().setting("smtp.dkim.domain", "example.com").setting("smtp.dkim.selector", "s1")
        .setting("smtp.dkim.private-key", keyText);
  }

  private static void refused(Mailbox.Builder b, String key, String... says) {
    assertThatThrownBy(() -> new SmtpTransportProvider().validate(b.build()))
        .isInstanceOf(MailboxConfigException.class)
        .satisfies(e -> assertThat(((MailboxConfigException) e).field()).isEqualTo(key))
        .hasMessageContaining("mailbox 'mb'")
        .hasMessageContaining(key)
        .hasMessageContaining(says[0])
        .hasMessageNotContaining("PRIVATE KEY-----\n");
  }

  @Test
  void theSettingsAreInTheTransportsDescriptionAndTheKeyIsASecret() {
    var settings = new SmtpTransportProvider().settings();
    assertThat(settings).extracting(Setting::name).contains("dkim.domain", "dkim.selector", "dkim.private-key",
        "dkim.algorithm", "dkim.headers");
    assertThat(settings.stream().filter(s -> s.name().equals("dkim.private-key")).findFirst().orElseThrow().secret())
        .isTrue();
    assertThat(settings.stream().filter(s -> s.name().equals("dkim.headers")).findFirst().orElseThrow().defaultValue())
        .hasValueSatisfying(v -> assertThat(v).startsWith("from,"));
  }

  @Test
  void aPropertiesFileGivesTheSettingsWithTheKeyFileRelativeToIt() throws Exception {
    Files.writeString(dir.resolve("dkim.pem"), ED25519.privateKeyPem());
    Path file = dir.resolve("outmail.properties");
    Files.writeString(file, String.join("\n",
        "outmail.mailbox.support.email-display=support@mail.example.com",
        "outmail.mailbox.support.host=127.0.0.1",
        "outmail.mailbox.support.smtp.dkim.domain=example.com",
        "outmail.mailbox.support.smtp.dkim.selector=s2026",
        "outmail.mailbox.support.smtp.dkim.private-key=${file:dkim.pem}",
        "outmail.mailbox.support.smtp.dkim.headers=from,subject",
        "outmail.mailbox.support.smtp.max-connections=2", ""));
    try (org.outmail.MailboxRegistry registry = org.outmail.MailboxRegistry.load(file)) {
      Mailbox m = registry.mailboxes().get(0);
      assertThat(m.id()).isEqualTo("support");
      DkimSettings s = SmtpOptions.dkim(m).orElseThrow();
      assertThat(s.domain()).isEqualTo("example.com");
      assertThat(s.selector()).isEqualTo("s2026");
      assertThat(s.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
      assertThat(s.headers()).containsExactly("from", "subject");
      assertThat(SmtpOptions.of(m).maxConnections()).isEqualTo(2);
    }
  }

  @Test
  void aMisspeltDkimSettingInAPropertiesFileIsRefusedNamingTheKey() throws Exception {
    Path file = dir.resolve("outmail.properties");
    Files.writeString(file, String.join("\n",
        "outmail.mailbox.support.email-display=support@example.com",
        "outmail.mailbox.support.host=127.0.0.1",
        "outmail.mailbox.support.smtp.dkim.domian=example.com", ""));
    assertThatThrownBy(() -> org.outmail.MailboxRegistry.load(file)).isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("outmail.mailbox.support.smtp.dkim.domian")
        .hasMessageContaining("smtp.dkim.domain");
  }

  @Test
  void aMailboxWithoutDkimSettingsDoesNotSign() {
    assertThat(SmtpOptions.dkim(mailbox().build())).isEmpty();
  }

  @Test
  void rsaAndEd25519KeysAreReadAndChooseTheirAlgorithm() throws Exception {
    DkimSettings rsa = SmtpOptions.dkim(signing(keyFile(RSA.privateKeyPem())).build()).orElseThrow();
    assertThat(rsa.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
    assertThat(rsa.key().bits()).isEqualTo(2048);
    assertThat(rsa.headers()).startsWith("from").contains("subject", "date", "message-id");
    DkimSettings ed = SmtpOptions.dkim(signing(keyFile(ED25519.privateKeyPem())).setting("smtp.dkim.algorithm",
        "ed25519-sha256").build()).orElseThrow();
    assertThat(ed.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
    assertThat(rsa.toString() + ed + RSA + ED25519).doesNotContain("PRIVATE").doesNotContain(
        RSA.privateKeyPem().substring(40, 80));
  }

  @Test
  void fromIsAlwaysSignedAndHeadersAreNamedInLowerCase() throws Exception {
    DkimSettings s = SmtpOptions.dkim(signing(keyFile(RSA.privateKeyPem())).setting("smtp.dkim.headers", "Subject, To")
        .build()).orElseThrow();
    assertThat(s.headers()).containsExactly("from", "subject", "to");
  }

  @Test
  void aKeyWhoseLineBreaksWereLostIsRead() throws Exception {
    String oneLine = RSA.privateKeyPem().replace("\n", " ");
    assertThat(SmtpOptions.dkim(signing(keyFile(oneLine)).build())).isPresent();
  }

  @Test
  void aDomainWithoutKeyIsRefusedNamingTheKey() {
    refused(mailbox().setting("smtp.dkim.domain", "example.com").setting("smtp.dkim.selector", "s1"),
        "smtp.dkim.private-key", "is required with smtp.dkim.domain");
  }

  @Test
  void aDomainWithoutSelectorIsRefused() throws Exception {
    refused(mailbox().setting("smtp.dkim.domain", "example.com").setting("smtp.dkim.private-key",
        keyFile(RSA.privateKeyPem())), "smtp.dkim.selector", "is required");
  }

  @Test
  void aKeyWithoutDomainIsRefused() throws Exception {
    refused(mailbox().setting("smtp.dkim.private-key", keyFile(RSA.privateKeyPem())), "smtp.dkim.domain",
        "is required");
  }

  @Test
  void theKeyIsASecretOfTheMailboxNeverInItsTextForm() throws Exception {
    Mailbox fromFile = signing(keyFile(RSA.privateKeyPem())).build();
    Mailbox pasted = Mailbox.textForm()
        .secret(mailbox().setting("smtp.dkim.domain", "example.com").setting("smtp.dkim.selector", "s1"),
            "smtp.dkim.private-key", org.outmail.Secret.of(RSA.privateKeyPem()))
        .build();
    String body = RSA.privateKeyPem().substring(40, 80);

    for (Mailbox m : java.util.List.of(fromFile, pasted)) {
      assertThat(Mailbox.textForm().secrets(m).get("smtp.dkim.private-key").value().strip())
          .isEqualTo(RSA.privateKeyPem().strip());
      assertThat(m.settings()).doesNotContainKey("smtp.dkim.private-key");
      assertThat(Mailbox.textForm().values(m)).doesNotContainKey("smtp.dkim.private-key");
      assertThat(Mailbox.textForm().values(m) + m.toString()).doesNotContain(body).doesNotContain(".pem");
      assertThat(SmtpOptions.dkim(m).orElseThrow().key().bits()).isEqualTo(2048);
    }
    // a pasted PEM spans lines: set() takes it too
    Mailbox set = Mailbox.textForm()
        .set(Mailbox.textForm().set(Mailbox.textForm().set(mailbox(), "smtp.dkim.domain", "example.com"),
            "smtp.dkim.selector", "s1"), "smtp.dkim.private-key", RSA.privateKeyPem())
        .build();
    assertThat(SmtpOptions.dkim(set)).isPresent();
    assertThat(Mailbox.textForm().values(set).toString()).doesNotContain(body);
  }

  @Test
  void aMissingKeyFileIsRefusedNamingTheKey() {
    // a secret setting is read as a Secret when it is set, as a password is
    assertThatThrownBy(() -> signing("${file:" + dir.resolve("nope.pem") + "}"))
        .isInstanceOf(MailboxConfigException.class)
        .satisfies(e -> assertThat(((MailboxConfigException) e).field()).isEqualTo("smtp.dkim.private-key"))
        .hasMessageContaining("mailbox 'mb'")
        .hasMessageContaining("smtp.dkim.private-key")
        .hasMessageContaining("nope.pem");
  }

  @Test
  void anEncryptedKeyIsRefused() throws Exception {
    refused(signing(keyFile("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n")),
        "smtp.dkim.private-key", "is an encrypted key");
  }

  @Test
  void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
    refused(signing(keyFile("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n")),
        "smtp.dkim.private-key", "openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void garbageIsRefusedWithoutEchoingIt() throws Exception {
    refused(signing(keyFile("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXN0dWZm\n-----END PRIVATE KEY-----\n")),
        "smtp.dkim.private-key", "is not a readable RSA or Ed25519 private key");
    assertThatThrownBy(() -> SmtpOptions.dkim(signing("not a pem at all").build()))
        .hasMessageNotContaining("not a pem");
  }

  @Test
  void anRsaKeyUnder1024BitsIsRefused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(512);
    String pem = DkimKey.BEGIN + "\n"
        + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
        + "\n" + DkimKey.END;
    refused(signing(keyFile(pem)), "smtp.dkim.private-key", "512 bits");
  }

  @Test
  void anAlgorithmTheKeyDoesNotSignWithIsRefused() throws Exception {
    refused(signing(keyFile(ED25519.privateKeyPem())).setting("smtp.dkim.algorithm", "rsa-sha256"),
        "smtp.dkim.algorithm", "ed25519 key");
    refused(signing(keyFile(RSA.privateKeyPem())).setting("smtp.dkim.algorithm", "rsa-sha1"),
        "smtp.dkim.algorithm", "is not rsa-sha256 or ed25519-sha256");
  }

  @Test
  void aBadDomainOrSelectorIsRefused() throws Exception {
    refused(signing(keyFile(RSA.privateKeyPem())).setting("smtp.dkim.domain", "exa mple"), "smtp.dkim.domain",
        "is not a domain name");
    refused(signing(keyFile(RSA.privateKeyPem())).setting("smtp.dkim.selector", "s;1"), "smtp.dkim.selector",
        "is not a selector");
  }

  @Test
  void aParentOfTheFromDomainAlignsAndAnotherDomainDoesNot() throws Exception {
    assertThat(DkimSettings.aligned("example.com", "desk@mail.example.com")).isTrue();
    assertThat(DkimSettings.aligned("example.com", "desk@example.com")).isTrue();
    assertThat(DkimSettings.aligned("example.com", "desk@notexample.com")).isFalse();
    // a domain that does not align is a warning, not an error: the mailbox loads
    assertThat(SmtpOptions.dkim(signing(keyFile(RSA.privateKeyPem())).setting("smtp.dkim.domain", "other.org").build()))
        .isPresent();
  }
}
