package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.spi.OutgoingMessage;

/**
 * The header block of the prepared wire bytes is byte for byte what Angus Mail's {@code
 * MimeMessage} setters make (the way the transport built it before it stopped making a {@code
 * MimeMessage} per mail): same fields, same order, same RFC 2047 encoding and folding.
 */
class WireHeadersTest {
  private static final Session SESSION = session();

  private static Session session() {
    Properties p = new Properties();
    p.setProperty("mail.mime.charset", "UTF-8");
    return Session.getInstance(p);
  }

  @Test
  void aPlainAsciiMailHasAngussHeaders() throws Exception {
    assertSameAsAngus(
        message(mailbox("Service Desk")).to(List.of("alice@example.org")).subject("Hello").text("x").build());
  }

  @Test
  void manyRecipientsAreFoldedAsAngusFoldsThem() throws Exception {
    List<String> to = IntStream.range(0, 12).mapToObj(i -> "recipient.number." + i + "@some-long-domain.example.org")
        .toList();
    List<String> cc = IntStream.range(0, 5).mapToObj(i -> "c" + i + "@example.org").toList();
    assertSameAsAngus(
        message(mailbox("Service Desk")).to(to).cc(cc).replyTo(List.of("help@example.com", "second@example.com"))
            .bcc(List.of("hidden@example.org")).subject("many").text("x").build());
  }

  @Test
  void nonAsciiDisplayNameSubjectAndHeadersAreEncodedAsAngusEncodesThem() throws Exception {
    assertSameAsAngus(message(mailbox("Kundendienst Müller")).to(List.of("alice@example.org"))
        .subject("Grüße aus Köln " + "lang ".repeat(30)).html("<p>x</p>")
        .headers(headers("X-Ticket", "Nr. 42 – ü", "X-Plain", "a value " + "with spaces ".repeat(12)))
        .build());
  }

  @Test
  void hostHeadersNamedLikeAngussPlacesGoWhereAngusPutsThem() throws Exception {
    assertSameAsAngus(message(mailbox(null)).to(List.of("alice@example.org")).subject("Re: thread").text("x")
        .headers(
            headers("X-First", "1", "References", "<a@example.org> <b@example.org>", "In-Reply-To", "<b@example.org>",
                "Keywords", "k", "Status", "RO", "Comments", "c", "Resent-Date", "d", "X-Last", "2"))
        .build());
  }

  @Test
  void aLongAsciiSubjectIsFoldedAsAngusFoldsIt() throws Exception {
    assertSameAsAngus(message(mailbox("Desk")).to(List.of("alice@example.org"))
        .subject("[TICKET#12345] " + "word ".repeat(40)).text("x").build());
  }

  private static OutgoingMessage.Builder message(Mailbox mb) {
    return OutgoingMessage.builder(mb).messageId("<h-1@example.com>")
        .date(ZonedDateTime.parse("2025-03-04T05:06:07.123+02:00[Europe/Helsinki]"));
  }

  private static Mailbox mailbox(String displayName) {
    if (displayName == null) {
      return Mailbox.builder("plain").emailDisplay("desk@example.com").host("127.0.0.1").port(25)
          .encryption(Encryption.NONE).build();
    }
    return Fixtures.mailbox(25, Encryption.NONE).displayName(displayName).build();
  }

  private static Map<String, String> headers(String... nameValue) {
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      h.put(nameValue[i], nameValue[i + 1]);
    }
    return h;
  }

  private static void assertSameAsAngus(OutgoingMessage m) throws Exception {
    byte[] wire = new MimeBuilder(SESSION).build(m).wire();
    String s = new String(wire, StandardCharsets.US_ASCII);
    String headerSection = s.substring(0, s.indexOf("\r\n\r\n") + 2);

    assertThat(headerSection).isEqualTo(String.join("\r\n", angusHeaderLines(m, s)) + "\r\n");
  }

  /** The header lines as Angus's {@code MimeMessage} setters made them, with the content headers of the wire bytes. */
  private static List<String> angusHeaderLines(OutgoingMessage m, String wire) throws Exception {
    MimeMessage mime = new MimeMessage(SESSION);
    mime.setFrom(m.fromName().isPresent() ? new InternetAddress(m.fromAddress(), m.fromName().get(), "UTF-8")
        : new InternetAddress(m.fromAddress()));
    if (!m.to().isEmpty()) {
      mime.setRecipients(Message.RecipientType.TO, parse(m.to()));
    }
    if (!m.cc().isEmpty()) {
      mime.setRecipients(Message.RecipientType.CC, parse(m.cc()));
    }
    if (!m.replyTo().isEmpty()) {
      mime.setReplyTo(parse(m.replyTo()));
    }
    mime.setSubject(m.subject(), "UTF-8");
    MailDateFormat format = new MailDateFormat();
    format.setTimeZone(TimeZone.getTimeZone(m.date().getZone()));
    mime.setHeader("Date", format.format(Date.from(m.date().toInstant())));
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      mime.addHeader(h.getKey(),
          MimeUtility.fold(h.getKey().length() + 2, MimeUtility.encodeText(h.getValue(), "UTF-8", null)));
    }
    mime.setHeader("Message-ID", m.messageId());
    mime.setHeader("MIME-Version", "1.0");
    mime.setHeader("Content-Type", between(wire, "\r\nContent-Type: ", "\r\n"));
    mime.setHeader("Content-Transfer-Encoding", between(wire, "\r\nContent-Transfer-Encoding: ", "\r\n"));
    List<String> lines = new ArrayList<>(
        Collections.list(mime.getNonMatchingHeaderLines(new String[] {"Bcc", "Content-Length"})));
    assertThat(lines).isNotEmpty();
    return lines;
  }

  private static InternetAddress[] parse(List<String> list) throws Exception {
    InternetAddress[] out = new InternetAddress[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new InternetAddress(list.get(i), true);
    }
    return out;
  }

  private static String between(String s, String start, String end) {
    int i = s.indexOf(start) + start.length();
    return s.substring(i, s.indexOf(end, i));
  }
}
