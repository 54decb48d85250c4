package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;

/**
 * Mails signed with DKIM, received by the scripted server byte for byte, verified by dkimpy (an
 * independent implementation), on every write path: BDAT, pipelined DATA, command by command, and a
 * mail Angus streams (a file attachment).
 */
@Timeout(300)
class DkimSendTest extends ScriptedServerTest {
  /** How the server takes the mail. */
  enum Mode {
    CHUNKING, PIPELINED_DATA, COMMAND_BY_COMMAND;

    void offer(ScriptedSmtpServer server) {
      if (this != COMMAND_BY_COMMAND) {
        server.offerPipelining();
      }
      if (this == CHUNKING) {
        server.offerChunking();
      }
    }
  }

  private static final DkimKeyPair RSA = DkimKeyPair.generate("rsa-sha256");
  private static final DkimKeyPair ED25519 = DkimKeyPair.generate("ed25519-sha256");

  @TempDir Path dir;

  private Mailbox.Builder signing(DkimKeyPair key) throws IOException {
    Path pem = dir.resolve("dkim-" + key.algorithm() + ".pem");
    Files.writeString(pem, key.privateKeyPem());
    return Fixtures.mailbox(server.port(), Encryption.NONE)
        .setting("smtp.dkim.domain", "example.com")
        .setting("smtp.dkim.selector", "mail2026")
        .setting("smtp.dkim.private-key", "${file:" + pem + "}");
  }

  /** Text with a line of dots, trailing white space, a long line, UTF-8: quoted-printable on the wire. */
  private static final String TEXT = "Hello Jörg,\n.\n..leading dots\n. one dot and space   \nGrüße — ☃\n"
      + "x".repeat(1200) + "\n\n\n";

  private static Email rich() {
    byte[] binary = new byte[70_000];
    new Random(7).nextBytes(binary);
    List<String> to = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      to.add("recipient-number-" + i + "@example.org");
    }
    return Email.builder().to(to).cc("carol@example.org").bcc("hidden@example.org")
        .subject("A long subject that Angus folds over several lines because it goes on and on, "
            + "and on again, with Ümlauts too, past seventy-eight characters")
        .header("X-Ticket-Note", "a custom header that is long enough to be folded by the library when it is written "
            + "out, twice as long as a line")
        .text(TEXT).html("<p>Grüße</p>\n.<b>dot</b>\n")
        .attach("notes.txt", "text/plain",
            ".first line starts with a dot\r\nsecond\r\n".getBytes(StandardCharsets.UTF_8))
        .attach("random.bin", "application/octet-stream", binary)
        .build();
  }

  private DkimPy.Verdict sendAndVerify(DkimKeyPair key, Email email, UnaryOperator<byte[]> change) throws Exception {
    registry(signing(key)).defaultOutgoing().send(email);
    ScriptedSmtpServer.Received r = server.received().get(0);
    byte[] message = change.apply(asReceived(r.data()));
    assertThat(new String(message, 0, 15, StandardCharsets.US_ASCII)).isEqualTo("DKIM-Signature:");
    return DkimPy.verify(message, "mail2026._domainkey.example.com", key.dnsTxtValue());
  }

  /** The message as the server stores it: DATA's dot-stuffing undone (BDAT content has none). */
  private byte[] asReceived(byte[] data) {
    if (server.commands().stream().anyMatch(c -> c.startsWith("BDAT"))) {
      return data;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length);
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '.' && (i == 0 || data[i - 1] == '\n')) {
        i++;
        if (i == data.length) {
          break;
        }
      }
      out.write(data[i]);
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anRsaSignedMailWithAttachmentsFoldedHeadersDotsAnd8BitTextVerifies(Mode mode) throws Exception {
    mode.offer(server);
    DkimPy.Verdict v = sendAndVerify(RSA, rich(), b -> b);
    assertThat(v.pass()).as(v.output() + "\n" + v.log()).isTrue();
    assertThat(new String(server.received().get(0).data(), StandardCharsets.US_ASCII)).contains("a=rsa-sha256;");
    assertThat(server.commands().stream().anyMatch(c -> c.startsWith("BDAT"))).isEqualTo(mode == Mode.CHUNKING);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anEd25519SignedMailVerifies(Mode mode) throws Exception {
    mode.offer(server);
    DkimPy.Verdict v = sendAndVerify(ED25519, rich(), b -> b);
    assertThat(v.pass()).as(v.output() + "\n" + v.log()).isTrue();
    assertThat(new String(server.received().get(0).data(), StandardCharsets.US_ASCII)).contains("a=ed25519-sha256;");
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aMailWithAFileAttachmentStreamedByAngusVerifies(Mode mode) throws Exception {
    mode.offer(server);
    Path file = dir.resolve("report.csv");
    Files.writeString(file, ".starts with a dot\nday;count\n1;2\n  indented line   \n");
    Email email = Email.builder().to("alice@example.org").subject("Report").text(TEXT)
        .attach("report.csv", "text/csv", file).build();
    DkimPy.Verdict v = sendAndVerify(RSA, email, b -> b);
    assertThat(v.pass()).as(v.output() + "\n" + v.log()).isTrue();
  }

  @Test
  void aTwentyMegabyteFileAttachmentIsSignedWhileStreamingAndVerifies() throws Exception {
    Mode.CHUNKING.offer(server);
    Path file = dir.resolve("big.bin");
    byte[] block = new byte[1 << 20];
    new Random(11).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 20; i++) {
        out.write(block);
      }
    }
    Email email = Email.builder().to("alice@example.org").subject("Big").text("see attachment").attach("big.bin",
        "application/octet-stream", file).build();
    DkimPy.Verdict v = sendAndVerify(ED25519, email, b -> b);
    assertThat(v.pass()).as(v.output() + "\n" + v.log()).isTrue();
    assertThat(server.received().get(0).data().length).isGreaterThan(27_000_000);
  }

  @Test
  void aMailWhoseBodyChangedAfterSigningFailsVerification() throws Exception {
    Mode.CHUNKING.offer(server);
    DkimPy.Verdict v = sendAndVerify(RSA, rich(), b -> replace(b, "Gr=C3=BC=C3=9Fe", "Gr=C3=BC=C3=9FE"));
    assertThat(v.pass()).isFalse();
    assertThat(v.output()).startsWith("fail");
  }

  @Test
  void aMailWhoseSubjectChangedAfterSigningFailsVerification() throws Exception {
    Mode.PIPELINED_DATA.offer(server);
    DkimPy.Verdict v = sendAndVerify(ED25519, Email.builder().to("alice@example.org").subject("Invoice 42").text("pay")
        .build(), b -> replace(b, "Invoice 42", "Invoice 43"));
    assertThat(v.pass()).isFalse();
  }

  @Test
  void theSameMailUnchangedVerifiesWhereTheChangedOneFails() throws Exception {
    // the control for the two tests above: the replacement itself is what breaks the signature
    Mode.PIPELINED_DATA.offer(server);
    DkimPy.Verdict v = sendAndVerify(ED25519, Email.builder().to("alice@example.org").subject("Invoice 42").text("pay")
        .build(), b -> replace(b, "Invoice 42", "Invoice 42"));
    assertThat(v.pass()).as(v.output() + "\n" + v.log()).isTrue();
  }

  private static byte[] replace(byte[] message, String from, String to) {
    String s = new String(message, StandardCharsets.ISO_8859_1);
    assertThat(s).contains(from);
    return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
  }
}
