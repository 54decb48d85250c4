package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mailbox's {@code host} naming several servers ({@code smtp1.example.com:587,
 * smtp2.example.com:587}): read the same by the builder, a properties file and a form's fields
 * ({@link Mailbox#textForm()}'s validate, what the console calls); each bad entry refused naming mailbox and field.
 */
class SeveralServersTest {
  private static Mailbox.Builder valid() {
    return Mailbox.builder("relay").emailDisplay("desk@example.com");
  }

  @Test
  void aListOfServersIsReadInOrderEachWithItsOwnPortOrTheMailboxs() {
    Mailbox mb = valid().host(" SMTP1.Example.com:2525 ,smtp2.example.com, [::1]:26 ").port(587).build();

    assertThat(mb.servers()).containsExactly(new ServerAddress("smtp1.example.com", 2525),
        new ServerAddress("smtp2.example.com", 587), new ServerAddress("[::1]", 26));
    assertThat(mb.host()).contains("smtp1.example.com:2525, smtp2.example.com, [::1]:26");
    assertThat(mb.toString()).contains("host=smtp1.example.com:2525, smtp2.example.com:587, [::1]:26");
    assertThat(mb.toBuilder().build().servers()).isEqualTo(mb.servers());
  }

  @Test
  void oneHostIsOneServerAsBefore() {
    Mailbox mb = valid().host("smtp.example.com").build();

    assertThat(mb.host()).contains("smtp.example.com");
    assertThat(mb.servers()).containsExactly(new ServerAddress("smtp.example.com", 587));
    assertThat(valid().build().servers()).isEmpty();
    assertThat(mb.servers().get(0)).hasToString("smtp.example.com:587");
  }

  @Test
  void anEmptyEntryIsRefusedNamingMailboxAndField() {
    assertThatThrownBy(() -> valid().host("smtp1.example.com, , smtp2.example.com"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(
            "mailbox 'relay': host lists an empty server (item 2 of 3): 'smtp1.example.com, , smtp2.example.com'");
    assertThatThrownBy(() -> valid().host("smtp1.example.com,"))
        .hasMessage("mailbox 'relay': host lists an empty server (item 2 of 2): 'smtp1.example.com,'");
  }

  @Test
  void aBadHostInAListIsRefusedNamingIt() {
    assertThatThrownBy(() -> valid().host("smtp1.example.com, smtp_2.example.com:587"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'relay': host is not a valid host name: 'smtp_2.example.com'");
    assertThatThrownBy(() -> valid().host("smtp1.example.com, ::1"))
        .hasMessage("mailbox 'relay': host is not a valid host name: '::1'");
  }

  @Test
  void aBadPortIsRefusedNamingTheEntry() {
    assertThatThrownBy(() -> valid().host("smtp1.example.com:0, smtp2.example.com"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(
            "mailbox 'relay': host has a bad port in 'smtp1.example.com:0': the port must be a number between 1 and 65535");
    assertThatThrownBy(() -> valid().host("smtp1.example.com, smtp2.example.com:65536"))
        .hasMessage(
            "mailbox 'relay': host has a bad port in 'smtp2.example.com:65536': the port must be a number between 1 and 65535");
    assertThatThrownBy(() -> valid().host("smtp1.example.com:smtp"))
        .hasMessage(
            "mailbox 'relay': host has a bad port in 'smtp1.example.com:smtp': the port must be a number between 1 and 65535");
    assertThatThrownBy(() -> valid().host("smtp1.example.com:"))
        .hasMessage(
            "mailbox 'relay': host has a bad port in 'smtp1.example.com:': the port must be a number between 1 and 65535");
  }

  @Test
  void aServerNamedTwiceIsRefusedOnceItsPortIsKnown() {
    assertThatThrownBy(() -> valid().host("smtp1.example.com, SMTP1.example.com").build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'relay': host names the server smtp1.example.com:587 twice");
    assertThatThrownBy(() -> valid().host("smtp1.example.com:25, smtp1.example.com").port(25).build())
        .hasMessage("mailbox 'relay': host names the server smtp1.example.com:25 twice");
    assertThat(valid().host("smtp1.example.com:25, smtp1.example.com").build().servers()).hasSize(2);
  }

  @Test
  void aPropertiesFileWithABadServerFailsNamingMailboxAndKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mailboxes.properties");
    Files.writeString(file, String.join("\n",
        "outmail.mailbox.relay.email-display=desk@example.com",
        "outmail.mailbox.relay.host=smtp1.example.com:587, smtp2.example.com:99999"));

    assertThatThrownBy(() -> MailboxRegistry.load(file))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage(
            "outmail.mailbox.relay.host: has a bad port in 'smtp2.example.com:99999': the port must be a number "
                + "between 1 and 65535");
  }

  @Test
  void aFormsFieldsAreCheckedTheSameWay() {
    Map<String, String> problems = Mailbox.textForm()
        .validate(Map.of("id", "relay", "email-display", "desk@example.com",
            "host", "smtp1.example.com, smtp1.example.com"), Map.of());
    assertThat(problems).containsEntry("host", "names the server smtp1.example.com:587 twice");
    assertThat(Mailbox.textForm()
        .validate(Map.of("id", "relay", "email-display", "desk@example.com", "host", "a.example.com,,b"), Map.of()))
        .containsEntry("host", "lists an empty server (item 2 of 3): 'a.example.com,,b'");
    assertThat(Mailbox.textForm().validate(Map.of("id", "relay", "email-display", "desk@example.com",
        "host", "smtp1.example.com:587, smtp2.example.com:587"), Map.of())).isEmpty();
  }
}
