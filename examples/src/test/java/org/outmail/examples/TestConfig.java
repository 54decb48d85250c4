package org.outmail.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes mailbox configuration files for the CLI tests. */
final class TestConfig {
  private TestConfig() {}

  /**
   * Three mailboxes: {@code support} (OUT, default, TICKET# prefix, excludes @noreply.example.com,
   * audit hook), {@code sales} (OUT) and {@code inbox} (IN), both OUT ones on 127.0.0.1:port.
   */
  static List<String> mailboxes(int port) {
    List<String> lines = new ArrayList<>(List.of(
        "outmail.mailbox.support.name=Service Desk",
        "outmail.mailbox.support.type=OUT",
        "outmail.mailbox.support.email-display=support@example.com",
        "outmail.mailbox.support.display-name=Your Service Desk",
        "outmail.mailbox.support.host=127.0.0.1",
        "outmail.mailbox.support.port=" + port,
        "outmail.mailbox.support.encryption=NONE",
        "outmail.mailbox.support.protocol=smtp",
        "outmail.mailbox.support.prefix=TICKET#",
        "outmail.mailbox.support.default-outgoing=true",
        "outmail.mailbox.support.exclude-expression=.*@noreply\\\\.example\\\\.com",
        "outmail.mailbox.support.post-send-hooks=audit",
        "outmail.mailbox.support.retry.max-attempts=1",
        "outmail.mailbox.sales.name=Sales Team",
        "outmail.mailbox.sales.type=OUT",
        "outmail.mailbox.sales.email-display=sales@example.com",
        "outmail.mailbox.sales.display-name=Example Sales",
        "outmail.mailbox.sales.host=127.0.0.1",
        "outmail.mailbox.sales.port=" + port,
        "outmail.mailbox.sales.encryption=NONE",
        "outmail.mailbox.sales.retry.max-attempts=1",
        "outmail.mailbox.inbox.name=Service Desk Inbox",
        "outmail.mailbox.inbox.type=IN",
        "outmail.mailbox.inbox.email-display=support@example.com",
        "outmail.mailbox.inbox.host=imap.example.com",
        "outmail.mailbox.inbox.port=993",
        "outmail.mailbox.inbox.encryption=SSL_TLS",
        "outmail.mailbox.inbox.protocol=imap"));
    return lines;
  }

  static Path write(Path dir, List<String> lines) {
    try {
      Path file = Files.createTempFile(dir, "mailboxes", ".properties");
      Files.write(file, lines, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path dir, int port, String... extraLines) {
    List<String> lines = mailboxes(port);
    lines.addAll(List.of(extraLines));
    return write(dir, lines);
  }

  /** A port of 127.0.0.1 where nothing listens: one that was free a moment ago. */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
