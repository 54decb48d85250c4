package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.outmail.Email;
import org.outmail.Encryption;

/**
 * No header line goes over 998 octets: long subjects, display names and header values without
 * white space to fold at are written as RFC 2047 encoded words, and read back intact. Both ways a
 * mail is written: as wire bytes (PIPELINING) and through Angus (no PIPELINING).
 */
class LongHeaderTest extends ScriptedServerTest {
  private byte[] send(boolean pipelining, String displayName, Email email) {
    if (pipelining) {
      server.offerPipelining();
    }
    registry(Fixtures.mailbox(server.port(), Encryption.NONE).displayName(displayName)).defaultOutgoing().send(email);
    return server.received().get(0).data();
  }

  private static void assertEveryLineAtMost998(byte[] raw) {
    String s = new String(raw, StandardCharsets.ISO_8859_1);
    String headers = s.substring(0, s.indexOf("\r\n\r\n"));
    for (String line : headers.split("\r\n")) {
      assertThat(line.length()).as("header line starting %s", line.substring(0, Math.min(30, line.length())))
          .isLessThanOrEqualTo(998);
    }
  }

  @ParameterizedTest(name = "pipelining {0}")
  @ValueSource(booleans = {true, false})
  void aTenThousandCharacterSubjectWithoutSpacesIsFoldedAsEncodedWords(boolean pipelining) throws Exception {
    String subject = "x".repeat(10_000);
    byte[] raw = send(pipelining, "Desk", Email.builder().to("alice@example.org").subject(subject).text("t").build());

    assertEveryLineAtMost998(raw);
    assertThat(WireFormatTest.unstuffed(raw).getSubject()).isEqualTo(subject);
  }

  @ParameterizedTest(name = "pipelining {0}")
  @ValueSource(booleans = {true, false})
  void longNonAsciiSubjectsDisplayNamesAndHeaderValuesComeBackIntact(boolean pipelining) throws Exception {
    String subject = "Überprüfung-" + "ä€𝄞".repeat(1500);
    String name = "Service-Desk-" + "ß".repeat(1200);
    String value = "v".repeat(5000);
    byte[] raw = send(pipelining, name, Email.builder().to("alice@example.org").subject(subject).text("t")
        .header("X-Trace", value).build());

    assertEveryLineAtMost998(raw);
    MimeMessage m = WireFormatTest.unstuffed(raw);
    assertThat(m.getSubject()).isEqualTo(subject);
    assertThat(((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo(name);
    assertThat(MimeUtility.decodeText(MimeUtility.unfold(m.getHeader("X-Trace", null)))).isEqualTo(value);
  }
}
