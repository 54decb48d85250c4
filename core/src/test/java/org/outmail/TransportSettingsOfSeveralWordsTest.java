package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.internal.ConfigLoader;
import org.outmail.oauth.OAuthClient;

/**
 * A properties file names a transport's setting of several words after the mailbox id, as
 * {@code outmail.mailbox.support.smtp.dkim.domain} does: the key splits into the mailbox and the
 * setting by the transports on the classpath, here core's test transports {@code vault} (settings
 * {@code seal.domain}, secret {@code seal.private-key}) and {@code seal} (setting {@code domain}),
 * and a mailbox id may hold dots itself.
 */
class TransportSettingsOfSeveralWordsTest {
  private static final String MAILBOX = "outmail.mailbox.";

  private static List<Mailbox> load(Map<String, String> keys) {
    Properties p = new Properties();
    keys.forEach(p::setProperty);
    return ConfigLoader.fromProperties(p, n -> null).mailboxes();
  }

  private static Map<String, String> vaultMailbox(String id) {
    return Map.of(MAILBOX + id + ".email-display", "desk@example.com", MAILBOX + id + ".protocol", "vault",
        MAILBOX + id + ".host", "vault.example");
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> all = new java.util.LinkedHashMap<>(base);
    all.put(key, value);
    return all;
  }

  @Test
  void aSettingOfSeveralWordsBelongsToTheMailboxBeforeItsProtocol() {
    Mailbox m = load(with(vaultMailbox("support"), MAILBOX + "support.vault.seal.domain", "example.com")).get(0);

    assertThat(m.id()).isEqualTo("support");
    assertThat(m.settings()).containsExactly(entry("vault.seal.domain", "example.com"));
    assertThat(m.settings("vault")).containsExactly(entry("seal.domain", "example.com"));
  }

  @Test
  void theLongestKnownSettingWinsOverAShorterOneOfAnotherProtocolAtItsEnd() {
    // seal.domain, the seal transport's setting, ends vault.seal.domain: the mailbox is support, not support.vault
    List<Mailbox> mailboxes = load(with(vaultMailbox("support"), MAILBOX + "support.vault.seal.domain", "example.com"));

    assertThat(mailboxes).extracting(Mailbox::id).containsExactly("support");
    assertThat(mailboxes.get(0).settingKeys()).containsExactly("vault.seal.domain");
  }

  @Test
  void aShorterSettingOfAnotherProtocolIsReadWhereNothingLongerMatches() {
    Mailbox m = load(with(vaultMailbox("support"), MAILBOX + "support.seal.domain", "example.com")).get(0);

    assertThat(m.id()).isEqualTo("support");
    assertThat(m.settings()).containsExactly(entry("seal.domain", "example.com"));
  }

  @Test
  void aMailboxIdWithDotsKeepsThemBeforeASettingOfSeveralWords() {
    Map<String, String> keys = new java.util.LinkedHashMap<>(vaultMailbox("eu.support"));
    keys.put(MAILBOX + "eu.support.vault.seal.domain", "eu.example.com");
    keys.put(MAILBOX + "eu.support.vault.region", "eu");
    Mailbox m = load(keys).get(0);

    assertThat(m.id()).isEqualTo("eu.support");
    assertThat(m.settings()).containsOnly(entry("vault.seal.domain", "eu.example.com"), entry("vault.region", "eu"));
  }

  @Test
  void aKnownSettingEndingTheKeyWinsOverAProtocolNamedInTheMailboxId() {
    // the id eu.vault.desk holds the word vault: the known setting vault.seal.domain decides where the id ends
    Mailbox m = load(with(vaultMailbox("eu.vault.desk"), MAILBOX + "eu.vault.desk.vault.seal.domain", "example.com"))
        .get(0);

    assertThat(m.id()).isEqualTo("eu.vault.desk");
    assertThat(m.settings()).containsExactly(entry("vault.seal.domain", "example.com"));
  }

  @Test
  void anUnknownSettingOfSeveralWordsBelongsToTheMailboxBeforeTheFirstWordThatNamesAProtocol() {
    // no known setting ends the key: the mailbox is everything before "vault", the first protocol among the words
    Map<String, String> keys = with(vaultMailbox("eu.support"), MAILBOX + "eu.support.vault.seal.domian", "x");
    Mailbox m = load(keys).get(0);

    assertThat(m.id()).isEqualTo("eu.support");
    assertThat(m.settingKeys()).containsExactly("vault.seal.domian");
    Properties p = new Properties();
    keys.forEach(p::setProperty);
    assertThatThrownBy(() -> MailboxRegistry.builder().load(p).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith(
            "outmail.mailbox.eu.support.vault.seal.domian: unknown key; did you mean outmail.mailbox.eu.support.vault.seal.domain?");
  }

  @Test
  void anUnknownSettingOfTwoWordsAfterNoProtocolIsTheLastTwoWords() {
    Mailbox m = load(with(vaultMailbox("support"), MAILBOX + "support.pigeon.colour", "grey")).get(0);

    assertThat(m.id()).isEqualTo("support");
    assertThat(m.settingKeys()).containsExactly("pigeon.colour");
  }

  @Test
  void aProtocolAloneAfterTheMailboxIsAnUnknownKey() {
    assertThatThrownBy(() -> load(with(vaultMailbox("support"), MAILBOX + "support.vault", "x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(MAILBOX + "support.vault: unknown key; known fields: " + MailboxFields.FORM.names()
            + ", or a transport's setting such as smtp.max-connections");
  }

  @Test
  void aSecretSettingOfSeveralWordsIsReadFromAFileBesideTheConfiguration(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("seal.pem"), "-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----\n");
    Path file = dir.resolve("outmail.properties");
    Files.writeString(file, String.join("\n",
        "outmail.mailbox.eu.support.email-display=desk@example.com",
        "outmail.mailbox.eu.support.protocol=vault",
        "outmail.mailbox.eu.support.host=vault.example",
        "outmail.mailbox.eu.support.vault.seal.domain=example.com",
        "outmail.mailbox.eu.support.vault.seal.private-key=${file:seal.pem}", ""));

    Mailbox m = ConfigLoader.fromFile(file, n -> null).mailboxes().get(0);

    assertThat(m.id()).isEqualTo("eu.support");
    assertThat(Mailbox.textForm().secrets(m)).containsOnlyKeys("vault.seal.private-key");
    assertThat(Mailbox.textForm().secrets(m).get("vault.seal.private-key").value())
        .isEqualTo("-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----");
    assertThat(m.settings()).containsExactly(entry("vault.seal.domain", "example.com"));
    assertThat(Mailbox.textForm().values(m).toString()).doesNotContain("seal.pem", "PRIVATE KEY");
  }

  @Test
  void aMisspeltFieldOfAnOAuthClientNamesTheFieldMeantAndNoTransportSetting() {
    Properties p = new Properties();
    p.setProperty("outmail.oauth-client.m365.client-idd", "x");
    List<String> fields = OAuthClient.textForm().fields().stream().map(Setting::name).toList();

    assertThatThrownBy(() -> ConfigLoader.fromProperties(p, n -> null))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(
            "outmail.oauth-client.m365.client-idd: unknown key; did you mean outmail.oauth-client.m365.client-id? "
                + "known fields: " + fields);
  }

  @Test
  void aMisspeltFieldOfAMailboxNamesTheFieldMeantAndTheTransportSettings() {
    assertThatThrownBy(() -> load(Map.of(MAILBOX + "support.hots", "x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(MAILBOX + "support.hots: unknown key; did you mean " + MAILBOX + "support.host? known fields: "
            + MailboxFields.FORM.names() + ", or a transport's setting such as smtp.max-connections");
  }

  @Test
  void aMisspeltFieldAsCloseToTwoFieldsNamesTheFirstOfThem() {
    // hort is one edit from host and from port; host comes first among the fields
    assertThatThrownBy(() -> load(Map.of(MAILBOX + "support.hort", "x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith(MAILBOX + "support.hort: unknown key; did you mean " + MAILBOX + "support.host?");
  }

  @Test
  void aPrefixInCapitalsIsNamedInLowerCase() {
    assertThat(ConfigLoader.meant("OUTMAIL.MAILBOX.support.host")).contains("outmail.mailbox.support.host");
    assertThatThrownBy(() -> load(Map.of("Outmail.Mailbox.support.host", "x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("Outmail.Mailbox.support.host: unknown key; did you mean outmail.mailbox.support.host?");
  }

  @Test
  void aKeyThatIsRightMeansNoOtherKey() {
    assertThat(ConfigLoader.meant("outmail.mailbox.support.host")).isEmpty();
    assertThat(ConfigLoader.meant("outmail.oauth-client.m365.tenant")).isEmpty();
  }

  @Test
  void aTransportSettingCloseToAFieldOfOneWordIsNotTakenForTheMisspeltField() {
    // vault.hots may be a setting of the vault transport: the registry judges it, the loader does not suggest host
    Mailbox m = load(with(vaultMailbox("support"), MAILBOX + "support.vault.hots", "x")).get(0);

    assertThat(m.settingKeys()).containsExactly("vault.hots");
  }
}
