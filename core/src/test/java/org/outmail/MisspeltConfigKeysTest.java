package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keys of a mailbox configuration that are not quite right: which key the error says was meant, how
 * far a misspelling may go before none is named, and that a key without a mailbox id or with an
 * unknown field is refused with the key in full.
 */
class MisspeltConfigKeysTest {
  private static final String FIELDS_HINT = ", or a transport's setting such as smtp.max-connections";

  private static Properties desk(String key, String value) {
    Properties p = new Properties();
    p.setProperty("outmail.mailbox.desk.email-display", "desk@example.com");
    p.setProperty(key, value);
    return p;
  }

  private static void load(Properties p) {
    MailboxRegistry.builder().load(p);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // two edits away from outmail.token-store.file: named
      "outmail.token-stor.fle   | outmail.token-store.file",
      "outmail.tokenstore.flie  | outmail.token-store.file",
      // two letters changed in outmail.mailbox.: named, with the rest of the key
      "outmail.maxxbox.desk.host | outmail.mailbox.desk.host",
      "outmail.oauth-clxxnt.m365.tenant | outmail.oauth-client.m365.tenant"})
  void aKeyTwoEditsFromAKnownOneNamesIt(String key, String meant) {
    assertThatThrownBy(() -> load(desk(key, "x")))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo(key))
        .hasMessageStartingWith(key + ": unknown key; did you mean " + meant + "? ");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "outmail.tokn-stor.fle",
      "outmail.mxxxbox.desk.host"})
  void aKeyThreeEditsFromAnyKnownOneNamesNone(String key) {
    assertThatThrownBy(() -> load(desk(key, "x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(key + ": unknown key; keys start with outmail.mailbox., outmail.oauth-client. or are"
            + " outmail.token-store.file");
  }

  @Test
  void aKeyOfOtherComponentsIsLeftAlone() {
    Properties p = desk("spring.mail.host", "smtp.example.com");
    p.setProperty("logging.level.root", "INFO");

    assertThatCode(() -> MailboxRegistry.builder().load(p)).doesNotThrowAnyException();
  }

  @Test
  void aKeyOfOtherComponentsCloseToTheTokenStoreSaysSo() {
    assertThatThrownBy(() -> load(desk("outmail-token-store.file", "/tmp/t")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("outmail-token-store.file: unknown key; did you mean outmail.token-store.file?");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "OUTMAIL.TOKEN-STORE.FILE  | outmail.token-store.file",
      "Outmail.mailbox.desk.host | outmail.mailbox.desk.host",
      "OUTMAIL.COLOUR            | outmail.COLOUR"})
  void anOutmailKeyInAnotherCaseNamesTheKeyMeant(String key, String meant) {
    assertThatThrownBy(() -> load(desk(key, "x")))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo(key))
        .hasMessage(key + ": unknown key; did you mean " + meant + "?");
  }

  @Test
  void aMailboxKeyWithoutAnIdIsAnUnknownKey() {
    assertThatThrownBy(() -> load(desk("outmail.mailbox.host", "mail.example.com")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("outmail.mailbox.host: unknown key; known fields: [")
        .hasMessageEndingWith("]" + FIELDS_HINT);
  }

  @Test
  void aMailboxKeyWithAnEmptyIdIsNotTakenForAMailbox() {
    assertThatThrownBy(() -> load(desk("outmail.mailbox..host", "mail.example.com")))
        .isInstanceOfSatisfying(MailboxConfigException.class,
            e -> assertThat(e.field()).isEqualTo("outmail.mailbox..host"))
        .hasMessageStartingWith("outmail.mailbox..host: unknown key; ");
  }

  @Test
  void anUnknownFieldFarFromAnyIsNamedWithTheKnownFields() {
    assertThatThrownBy(() -> load(desk("outmail.mailbox.desk.zzzzzz", "1")))
        .isInstanceOfSatisfying(MailboxConfigException.class,
            e -> assertThat(e.field()).isEqualTo("outmail.mailbox.desk.zzzzzz"))
        .hasMessageStartingWith("outmail.mailbox.desk.zzzzzz: unknown key; known fields: [")
        .hasMessageContaining("email-display")
        .hasMessageEndingWith("]" + FIELDS_HINT);
  }

  @Test
  void anOAuthClientKeyOfThreeWordsIsNotTakenForATransportSetting() {
    assertThatThrownBy(() -> load(desk("outmail.oauth-client.m365.smtp.host", "x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("outmail.oauth-client.m365.smtp.host: unknown key; known fields: [")
        .hasMessageEndingWith("]");
  }

  @Test
  void aFieldMisspeltAtTheLimitOfTwoEditsIsNamed() {
    assertThatThrownBy(() -> load(desk("outmail.mailbox.desk.paswrd", "x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith(
            "outmail.mailbox.desk.paswrd: unknown key; did you mean outmail.mailbox.desk.password? ");
  }

  @Test
  void ofTwoFieldsEquallyNearTheFirstKnownIsNamed() {
    // "post" is one edit from both host and port; host comes first among the mailbox's fields
    assertThatThrownBy(() -> load(desk("outmail.mailbox.desk.post", "x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("outmail.mailbox.desk.post: unknown key; did you mean outmail.mailbox.desk.host? ");
  }

  @Test
  void anUnknownOAuthClientIsNamedOnceWithTheFullKey() {
    assertThatThrownBy(() -> load(desk("outmail.mailbox.desk.oauth-client", "m365")))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("outmail.mailbox.desk.oauth-client");
          assertThat(e.mailboxId()).isEqualTo("desk");
        })
        .hasMessage("outmail.mailbox.desk.oauth-client: no OAuth client named 'm365'; clients: []");
  }
}
