package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.spi.OutgoingMessage;
import org.outmail.test.contract.ReceivedMail;

/**
 * The prepared wire bytes ({@link WireMessage}), as encoded and as received by the scripted server
 * (pipelined): dot-stuffing, CRLF line ends, the final dot, transfer encodings, multipart layouts,
 * read back with Angus's parser.
 */
@Timeout(60)
class WireFormatTest extends ScriptedServerTest {
  private MailboxRegistry registry;

  static MimeMessage parse(byte[] raw) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
  }

  /** The message as the server hands it on: the doubled dots at line starts undone. */
  static MimeMessage unstuffed(byte[] raw) throws Exception {
    String s = new String(raw, StandardCharsets.ISO_8859_1);
    s = (s.startsWith("..") ? s.substring(1) : s).replace("\r\n..", "\r\n.");
    return parse(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @BeforeEach
  void pipelining() {
    server.offerPipelining();
    registry = registry(Fixtures.mailbox(server.port(), Encryption.NONE));
  }

  /** Sends the mail, checks it went pipelined (so as wire bytes), returns the raw bytes received. */
  private byte[] send(Email email) {
    registry.defaultOutgoing().send(email);
    assertThat(server.batches().stream().filter(b -> b.get(0).startsWith("MAIL")).reduce((a, b) -> b).orElseThrow())
        .as("pipelined, so sent as wire bytes").hasSizeGreaterThan(1);
    byte[] raw = server.received().get(server.received().size() - 1).data();
    assertOnlyCrLf(raw);
    return raw;
  }

  private static String body(byte[] raw) {
    String s = new String(raw, StandardCharsets.ISO_8859_1);
    return s.substring(s.indexOf("\r\n\r\n") + 4);
  }

  private static void assertOnlyCrLf(byte[] raw) {
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\r') {
        assertThat(i + 1 < raw.length && raw[i + 1] == '\n').as("bare CR at byte " + i).isTrue();
      }
      if (raw[i] == '\n') {
        assertThat(i > 0 && raw[i - 1] == '\r').as("bare LF at byte " + i).isTrue();
      }
    }
  }

  private static void assertAscii(byte[] raw) {
    for (int i = 0; i < raw.length; i++) {
      assertThat(raw[i] >= 0).as("8-bit byte at " + i).isTrue();
    }
  }

  private static void assertLinesAtMost(byte[] raw, int max) {
    new String(raw, StandardCharsets.ISO_8859_1).lines().forEach(l -> assertThat(l.length()).isLessThanOrEqualTo(max));
  }

  @Test
  void linesStartingWithADotAreDotStuffedAndReadBackIntact() throws Exception {
    String text = ".hidden\n..two\nnormal .\n.\nlast.";
    byte[] raw = send(Email.builder().to("alice@example.org").subject(".dot subject").text(text).build());

    assertThat(body(raw)).isEqualTo("..hidden\r\n...two\r\nnormal .\r\n..\r\nlast.\r\n");
    // the server undoes the stuffing: what a reader sees is the text, with CRLF line ends (and the
    // line end before the final dot, as Angus writes it)
    assertThat(GreenMailServer.read(unstuffed(raw), List.of()).text()).isEqualTo(text.replace("\n", "\r\n") + "\r\n");
  }

  @Test
  void aChunkCarriesLinesStartingWithADotAsTheyAre() throws Exception {
    server.offerChunking();
    String text = ".hidden\n..two\nnormal .\n.\nlast.";
    byte[] raw = send(Email.builder().to("alice@example.org").subject(".dot subject").text(text).build());

    assertThat(server.commands()).anyMatch(c -> c.matches("BDAT \\d+ LAST")).noneMatch(c -> c.equals("DATA"));
    // BDAT content is never dot-stuffed (RFC 3030), and has no final dot
    assertThat(body(raw)).isEqualTo(".hidden\r\n..two\r\nnormal .\r\n.\r\nlast.\r\n");
    assertThat(new String(raw, StandardCharsets.ISO_8859_1)).startsWith("Date: ").contains("Subject: .dot subject\r\n");
    assertThat(GreenMailServer.read(parse(raw), List.of()).text()).isEqualTo(text.replace("\n", "\r\n") + "\r\n");
  }

  @Test
  void bareLfAndBareCrBecomeCrLf() throws Exception {
    byte[] raw = send(Email.builder().to("alice@example.org").subject("x").text("a\nb\rc\r\nd\n\ne").build());

    assertThat(body(raw)).isEqualTo("a\r\nb\r\nc\r\nd\r\n\r\ne\r\n");
    assertThat(new String(raw, StandardCharsets.US_ASCII)).contains("Content-Transfer-Encoding: 7bit\r\n");
  }

  @Test
  void theWireBytesEndWithTheFinalDotOnALineOfItsOwn() throws Exception {
    Mailbox mb = Fixtures.mailbox(server.port(), Encryption.NONE).build();
    for (String text : List.of("no newline at the end", "newline at the end\n", "")) {
      OutgoingMessage m = OutgoingMessage.builder(mb).to(List.of("alice@example.org")).subject("x").text(text)
          .messageId("<w-1@example.com>").build();
      byte[] wire = new MimeBuilder(Session.getInstance(new Properties())).build(m).wire();

      String s = new String(wire, StandardCharsets.US_ASCII);
      assertThat(s).endsWith(text.isEmpty() ? "\r\n\r\n.\r\n" : "end\r\n.\r\n");
      assertThat(s.indexOf("\r\n.\r\n")).isEqualTo(s.length() - 5);
    }
  }

  @Test
  void aLineLongerThan998BytesIsQuotedPrintable() throws Exception {
    String text = "x".repeat(2500) + "\nshort";
    byte[] raw = send(Email.builder().to("alice@example.org").subject("long").text(text).build());

    assertThat(new String(raw, StandardCharsets.US_ASCII)).contains("Content-Transfer-Encoding: quoted-printable\r\n");
    assertLinesAtMost(raw, 998);
    assertThat(GreenMailServer.read(unstuffed(raw), List.of()).text()).isEqualTo("x".repeat(2500) + "\r\nshort\r\n");
  }

  @Test
  void eightBitTextIsEncodedQuotedPrintableOrBase64AsAngusWouldChoose() throws Exception {
    String latin = "Grüße aus Köln, ça va? Mostly ASCII text with a few umlauts: äöü.\n.starts with a dot";
    byte[] qp = send(Email.builder().to("alice@example.org").subject("Grüße").text(latin).build());
    String japanese = "日本語のテキストです。\n二行目。";
    byte[] b64 = send(Email.builder().to("alice@example.org").subject("日本").html("<p>" + japanese + "</p>").build());

    assertAscii(qp);
    assertAscii(b64);
    assertThat(new String(qp, StandardCharsets.US_ASCII)).contains("Content-Type: text/plain; charset=UTF-8\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n");
    assertThat(new String(b64, StandardCharsets.US_ASCII)).contains("Content-Type: text/html; charset=UTF-8\r\n",
        "Content-Transfer-Encoding: base64\r\n");
    ReceivedMail a = GreenMailServer.read(unstuffed(qp), List.of());
    assertThat(a.subject()).isEqualTo("Grüße");
    assertThat(a.text()).isEqualTo(latin.replace("\n", "\r\n") + "\r\n");
    ReceivedMail b = GreenMailServer.read(unstuffed(b64), List.of());
    assertThat(b.subject()).isEqualTo("日本");
    assertThat(b.html()).isEqualTo("<p>" + japanese + "</p>");
  }

  @Test
  void textAndHtmlGoAsMultipartAlternative() throws Exception {
    byte[] raw = send(
        Email.builder().to("alice@example.org").subject("both").text("plain .\n.dot").html("<p>Grüße</p>").build());

    MimeMessage parsed = unstuffed(raw);
    assertThat(parsed.getContentType()).startsWith("multipart/alternative;");
    Multipart alt = (Multipart) parsed.getContent();
    assertThat(alt.getCount()).isEqualTo(2);
    assertThat(alt.getBodyPart(0).getContentType()).isEqualTo("text/plain; charset=UTF-8");
    assertThat(alt.getBodyPart(1).getContentType()).isEqualTo("text/html; charset=UTF-8");
    ReceivedMail mail = GreenMailServer.read(parsed, List.of());
    assertThat(mail.text()).isEqualTo("plain .\r\n.dot");
    assertThat(mail.html()).isEqualTo("<p>Grüße</p>");
  }

  @Test
  void byteAttachmentsGoBase64InMultipartMixedWithTheAlternativeFirst() throws Exception {
    byte[] blob = new byte[100_003];
    new Random(3).nextBytes(blob);
    byte[] raw = send(
        Email.builder().to("alice@example.org").subject("files").text("see files").html("<b>see files</b>")
            .attach("blob.bin", "application/octet-stream", blob)
            .attach("Übersicht März.csv", "text/csv", "a;b\n1;2\n".getBytes(StandardCharsets.UTF_8))
            .build());

    assertAscii(raw);
    assertLinesAtMost(raw, 998);
    MimeMessage parsed = unstuffed(raw);
    assertThat(parsed.getContentType()).startsWith("multipart/mixed;");
    Multipart mixed = (Multipart) parsed.getContent();
    assertThat(mixed.getCount()).isEqualTo(3);
    assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative;");
    ReceivedMail mail = GreenMailServer.read(parsed, List.of());
    assertThat(mail.text()).isEqualTo("see files");
    assertThat(mail.html()).isEqualTo("<b>see files</b>");
    assertThat(mail.attachments().get("blob.bin")).isEqualTo(blob);
    assertThat(mail.attachments().get("Übersicht März.csv")).isEqualTo("a;b\n1;2\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSingleBodyWithAnAttachmentKeepsTheBodyFirst() throws Exception {
    byte[] raw = send(Email.builder().to("alice@example.org").subject("one").html("<i>x</i>\n")
        .attach("a.txt", "text/plain", "attached\n".getBytes(StandardCharsets.US_ASCII)).build());

    ReceivedMail mail = GreenMailServer.read(unstuffed(raw), List.of());
    assertThat(mail.html()).isEqualTo("<i>x</i>\r\n");
    assertThat(mail.attachments().get("a.txt")).isEqualTo("attached\n".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void headersAreAngusOnesWithoutBccAndWithCoresMessageIdAndDate() throws Exception {
    Mailbox mb = Fixtures.mailbox(server.port(), Encryption.NONE).displayName("Kundendienst Müller").build();
    OutgoingMessage m = OutgoingMessage.builder(mb).to(List.of("alice@example.org")).cc(List.of("carol@example.org"))
        .bcc(List.of("hidden@example.org")).replyTo(List.of("help@example.com")).subject("Grüße " + "long ".repeat(30))
        .text("y").headers(java.util.Map.of("X-Ticket", "Nr. 42 – ü"))
        .messageId("<fixed-2@example.com>").date(java.time.ZonedDateTime.parse("2025-03-04T05:06:07+02:00")).build();
    PreparedMail p = new MimeBuilder(Session.getInstance(new Properties())).build(m);

    String wire = new String(p.wire(), StandardCharsets.US_ASCII);
    assertThat(p.mime()).isNull(); // prepared as wire bytes: no MimeMessage is made
    assertThat(p.envelopeFrom()).isEqualTo("desk@example.com");
    assertThat(Arrays.stream(p.envelope()).map(Object::toString))
        .containsExactly("alice@example.org", "carol@example.org", "hidden@example.org");
    assertThat(wire).contains("Message-ID: <fixed-2@example.com>\r\n", "Date: Tue, 4 Mar 2025 05:06:07 +0200",
        "MIME-Version: 1.0\r\n", "Cc: carol@example.org\r\n", "Reply-To: help@example.com\r\n")
        .doesNotContainIgnoringCase("bcc").doesNotContain("hidden@");
    assertThat(wire).containsPattern("From: =\\?UTF-8\\?[QB]\\?[^?]+\\?= <desk@example.com>\r\n");
    MimeMessage parsed = parse(p.wire());
    assertThat(parsed.getSubject()).isEqualTo("Grüße " + "long ".repeat(30));
    assertThat(jakarta.mail.internet.MimeUtility
        .decodeText(jakarta.mail.internet.MimeUtility.unfold(parsed.getHeader("X-Ticket", null))))
        .isEqualTo("Nr. 42 – ü");
    assertThat(wire.indexOf("Date:")).isLessThan(wire.indexOf("From:"));
  }
}
