package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The crash tests count what the test server received: a message is received only when its data
 * ended with the final dot, as a real server takes it. A client killed in the middle of its data
 * (SIGKILL while a mail is being written) leaves a cut-off message that no server delivers.
 */
class RecordingSmtpServerTest {

  @Test
  @Timeout(30)
  void aMessageCutOffBeforeTheFinalDotIsNotReceived() throws Exception {
    try (RecordingSmtpServer smtp = new RecordingSmtpServer()) {
      try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), smtp.port())) {
        Session session = new Session(s);
        session.command("EHLO client");
        session.command("MAIL FROM:<support@example.com>");
        session.command("RCPT TO:<alice@example.org>");
        session.command("DATA");
        session.write("Message-ID: <cut@example.com>\r\nX-Outmail-Te"); // the client dies here
      }
      awaitSessionsEnded(smtp, 1);
      assertThat(smtp.received()).as("a cut-off message is not received").isEmpty();
      assertThat(smtp.cutOff()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(30)
  void aClientGoneRightAfterDataSentNothing() throws Exception {
    try (RecordingSmtpServer smtp = new RecordingSmtpServer()) {
      try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), smtp.port())) {
        Session session = new Session(s);
        session.command("EHLO client");
        session.command("MAIL FROM:<support@example.com>");
        session.command("RCPT TO:<alice@example.org>");
        session.command("DATA");
      }
      awaitSessionsEnded(smtp, 1);
      assertThat(smtp.received()).as("DATA without any content is not a message").isEmpty();
    }
  }

  @Test
  @Timeout(30)
  void aMessageEndedByTheFinalDotIsReceivedWithItsHeaders() throws Exception {
    try (RecordingSmtpServer smtp = new RecordingSmtpServer()) {
      try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), smtp.port())) {
        Session session = new Session(s);
        session.command("EHLO client");
        session.command("MAIL FROM:<support@example.com>");
        session.command("RCPT TO:<alice@example.org>");
        session.command("DATA");
        assertThat(session.command("Message-ID: <whole@example.com>\r\nX-Outmail-Test-Key: mail-7\r\n\r\nbody\r\n.."
            + "dotted\r\n.")).startsWith("250");
        session.command("QUIT");
      }
      awaitSessionsEnded(smtp, 1);
      assertThat(smtp.received()).singleElement().satisfies(r -> {
        assertThat(r.messageId()).isEqualTo("<whole@example.com>");
        assertThat(r.header(OutboxChild.KEY_HEADER)).isEqualTo("mail-7");
        assertThat(r.text()).endsWith("body\r\n.dotted\r\n");
      });
      assertThat(smtp.cutOff()).isZero();
    }
  }

  private static void awaitSessionsEnded(RecordingSmtpServer smtp, int n) throws InterruptedException {
    while (smtp.sessionsEnded() < n) {
      Thread.sleep(10);
    }
  }

  /** A client that writes a line and reads the whole reply. */
  private static final class Session {
    private final OutputStream out;
    private final BufferedReader in;

    Session(Socket s) throws Exception {
      this.out = s.getOutputStream();
      this.in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      reply();
    }

    void write(String text) throws Exception {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    String command(String line) throws Exception {
      write(line + "\r\n");
      return reply();
    }

    private String reply() throws Exception {
      String line;
      do {
        line = in.readLine();
      } while (line != null && line.length() > 3 && line.charAt(3) == '-');
      return line;
    }
  }
}
