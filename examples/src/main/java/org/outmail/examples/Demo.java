package org.outmail.examples;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.outmail.BlockReason;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxType;
import org.outmail.OutgoingMailer;
import org.outmail.SendResult;
import org.outmail.SubjectPrefix;

/**
 * outmail in one run: starts an SMTP server in this process (GreenMail, on a free port of
 * 127.0.0.1), loads the sample {@code mailboxes.properties}, and shows the grid, the Check of each
 * OUT mailbox, a notification for record 4711 sent through the default outgoing mailbox to one
 * allowed and one excluded recipient, what the server received, the post-send hook having run, and
 * the record id found again in a reply's subject.
 *
 * <p>Run it from the repository root with {@code mvn -B -q install -DskipTests && mvn -B -q -pl
 * examples exec:java}.
 */
public final class Demo {
  static final String CONFIG_RESOURCE = "mailboxes.properties";
  static final String RECORD_ID = "4711";
  static final String ALLOWED = "alice@example.org";
  static final String EXCLUDED = "printer-bot@noreply.example.com";
  static final String SUBJECT = "Printer on floor 2 is jammed";

  private final PrintStream out;

  private Demo(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out == null");
  }

  public static void main(String[] args) throws Exception {
    new Demo(System.out).run();
  }

  private void run() throws IOException, MessagingException {
    GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    server.start();
    try {
      int port = server.getSmtp().getPort();
      out.println("outmail demo: an SMTP server (GreenMail) runs in this process on 127.0.0.1:" + port);
      try (MailboxRegistry registry = MailboxRegistry.load(sampleConfig("127.0.0.1", port))) {
        grid(registry);
        check(registry);
        SendResult result = send(registry.defaultOutgoing());
        received(server, result);
        hookAndReply(registry.defaultOutgoing().mailbox(), result);
      }
    } finally {
      server.stop();
    }
    out.println();
    out.println("Done.");
  }

  /** The sample configuration with every OUT mailbox pointed at the embedded server. */
  static Properties sampleConfig(String host, int port) throws IOException {
    Properties config = new Properties();
    try (InputStream in = Demo.class.getResourceAsStream(CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + CONFIG_RESOURCE + " is missing from the classpath");
      }
      config.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    for (String key : config.stringPropertyNames()) {
      if (key.endsWith(".type") && config.getProperty(key).strip().equalsIgnoreCase(MailboxType.OUT.name())) {
        String mailbox = key.substring(0, key.length() - ".type".length());
        config.setProperty(mailbox + ".host", host);
        config.setProperty(mailbox + ".port", Integer.toString(port));
      }
    }
    return config;
  }

  private void grid(MailboxRegistry registry) {
    heading("1) The mailboxes (" + CONFIG_RESOURCE + ")");
    MailboxGrid.lines(registry.mailboxes()).forEach(line -> out.println("   " + line));
    for (Mailbox m : registry.mailboxes()) {
      List<String> rules = new ArrayList<>();
      m.prefix().ifPresent(p -> rules.add("prefix " + p));
      m.excludeExpression().ifPresent(x -> rules.add("excludes " + x));
      if (!m.postSendHooks().isEmpty()) {
        rules.add("post-send hooks " + m.postSendHooks());
      }
      if (!rules.isEmpty()) {
        out.println("   " + m.id() + ": " + String.join(", ", rules));
      }
    }
  }

  private void check(MailboxRegistry registry) {
    heading("2) Check on each OUT mailbox");
    int width = registry.mailboxes().stream().mapToInt(m -> m.id().length()).max().orElse(0);
    for (Mailbox m : registry.mailboxes()) {
      if (m.type() == MailboxType.OUT) {
        String id = m.id() + " ".repeat(width - m.id().length());
        out.println("   " + id + "  " + CheckCommand.line(registry.outgoing(m.id()).check()));
      }
    }
  }

  private SendResult send(OutgoingMailer mailer) {
    heading("3) A notification for record " + RECORD_ID + " through registry.defaultOutgoing() ('"
        + mailer.mailbox().id() + "')");
    out.println("   to: " + ALLOWED + ", " + EXCLUDED + "; subject: " + SUBJECT);
    Email email = Email.builder()
        .to(ALLOWED, EXCLUDED)
        .subject(SUBJECT)
        .text("Hello Alice,\n\nwe are on it: a technician is on the way to floor 2.\n\nYour Service Desk\n")
        .recordId(RECORD_ID)
        .build();
    SendResult result = mailer.send(email);
    out.println("   sent: " + result.messageId() + ", subject as sent: " + result.subject());
    return result;
  }

  private void received(GreenMail server, SendResult result) throws MessagingException {
    heading("4) What the SMTP server received, and what was blocked");
    server.waitForIncomingEmail(5_000, result.acceptedRecipients().size());
    MimeMessage[] messages = server.getReceivedMessages();
    out.println("   " + messages.length + " message(s) received");
    for (MimeMessage m : messages) {
      out.println("   From:       " + addresses(m.getFrom()));
      out.println("   To:         " + addresses(m.getRecipients(RecipientType.TO)));
      out.println("   Subject:    " + m.getSubject());
      out.println("   Message-ID: " + m.getMessageID());
    }
    out.println("   accepted by the server: " + String.join(", ", result.acceptedRecipients()));
    for (Map.Entry<String, BlockReason> e : result.blockedRecipients().entrySet()) {
      out.println("   blocked, not sent: " + e.getKey() + " " + e.getValue() + " (" + why(e.getValue()) + ")");
    }
  }

  private static String why(BlockReason reason) {
    return switch (reason) {
      case EXCLUDED -> "the address matches the mailbox's exclude expression";
      case NOT_REGISTERED -> "the mailbox sends to registered users only";
    };
  }

  private void hookAndReply(Mailbox mailbox, SendResult result) {
    heading("5) The post-send hook, and a reply finding its record again");
    out.println("   post-send hooks of '" + mailbox.id() + "': " + mailbox.postSendHooks()
        + " (found by ServiceLoader); its [audit] line is under step 3; failures: "
        + (result.hookFailures().isEmpty() ? "none" : result.hookFailures()));
    SubjectPrefix prefix = SubjectPrefix.of(mailbox.prefix().orElseThrow());
    String reply = "RE: AW: " + result.subject();
    out.println("   reply subject: " + reply);
    out.println("   record id parsed back: " + prefix.recordId(reply).orElse("(none)"));
  }

  private void heading(String title) {
    out.println();
    out.println(title);
  }

  private static String addresses(Address[] addresses) {
    if (addresses == null) {
      return "-";
    }
    List<String> list = new ArrayList<>();
    for (Address a : addresses) {
      list.add(a instanceof InternetAddress ia ? ia.toUnicodeString() : a.toString());
    }
    return String.join(", ", list);
  }
}
