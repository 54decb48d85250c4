package org.outmail.examples;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * GreenMail's plain SMTP on a free port of 127.0.0.1, started before each test and stopped after
 * it: {@code @RegisterExtension final SmtpServer server = new SmtpServer();}.
 */
final class SmtpServer implements BeforeEachCallback, AfterEachCallback {
  private GreenMail greenMail;

  @Override
  public void beforeEach(ExtensionContext context) {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    greenMail.start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    greenMail.stop();
  }

  int port() {
    return greenMail.getSmtp().getPort();
  }

  /** The messages received, once {@code count} of them are there (or after 5 s). */
  List<MimeMessage> received(int count) {
    greenMail.waitForIncomingEmail(5_000, count);
    return List.of(greenMail.getReceivedMessages());
  }
}
