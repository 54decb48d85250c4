package org.outmail.examples;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.List;

/** GreenMail's plain SMTP on a free port of 127.0.0.1, for one test. */
final class SmtpServer implements AutoCloseable {
  private final GreenMail greenMail;

  private SmtpServer(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  static SmtpServer start() {
    GreenMail g = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    g.start();
    return new SmtpServer(g);
  }

  int port() {
    return greenMail.getSmtp().getPort();
  }

  /** The messages received, once {@code count} of them are there (or after 5 s). */
  List<MimeMessage> received(int count) {
    greenMail.waitForIncomingEmail(5_000, count);
    return List.of(greenMail.getReceivedMessages());
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
