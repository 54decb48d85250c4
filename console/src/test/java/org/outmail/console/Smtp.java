package org.outmail.console;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;

/** GreenMail's SMTP server in the test's process, on 127.0.0.1 and a free port. */
final class Smtp implements AutoCloseable {
  private final GreenMail greenMail;

  Smtp() {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    greenMail.start();
  }

  int port() {
    return greenMail.getSmtp().getPort();
  }

  /** The subjects received, in order. */
  List<String> subjects() {
    return Arrays.stream(greenMail.getReceivedMessages()).map(m -> {
      try {
        return m.getSubject();
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  List<MimeMessage> received() {
    return List.of(greenMail.getReceivedMessages());
  }

  /** A port on 127.0.0.1 where nothing listens. */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
