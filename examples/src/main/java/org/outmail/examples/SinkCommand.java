package org.outmail.examples;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code outmail sink}: an SMTP server on 127.0.0.1 that takes every mail, keeps none, and prints a
 * line for each, so that {@code check} and {@code send} can be tried with no server of one's own.
 */
@Command(name = "sink", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = {
    "Runs an SMTP server on 127.0.0.1 (no TLS, any login or none) that accepts every mail, "
        + "delivers none and prints a line for each: time, from, to (the envelope's recipients, Bcc "
        + "included), subject and size. Runs until Ctrl-C.",
    "examples/mailboxes-sink.properties points its mailboxes at it: in a second terminal, try "
        + "'outmail check --config examples/mailboxes-sink.properties'. On another port, give check "
        + "and send the same --port."}, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "1:cannot listen on the port (another program uses it? try --port)",
            "2:usage error: unknown option, bad port",
            "130:stopped with Ctrl-C, the usual way"})
final class SinkCommand implements Callable<Integer> {
  /** The port {@code examples/mailboxes-sink.properties} points at. */
  static final int DEFAULT_PORT = 2525;

  @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = ""
      + DEFAULT_PORT, description = "The port on 127.0.0.1 (default ${DEFAULT-VALUE}); 0 takes a free one, printed at start.") int port;

  @Mixin OutputOptions output;

  @Spec CommandSpec spec;

  private final AtomicInteger received = new AtomicInteger();

  @Override
  public Integer call() {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port " + port + ": not a port (0 to 65535)");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName();
    // GreenMail logs a busy port with two stack traces and advice about its startup timeout: ask first
    String busy = port == 0 ? null : cannotListen(port);
    if (busy != null) {
      err.println(name + ": cannot listen on 127.0.0.1:" + port + ": " + busy + "; choose another port, e.g. '"
          + name + " --port " + (port == 65535 ? 2526 : port + 1) + "', and give check and send the same --port");
      return OutmailCli.FAILED;
    }
    ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    GreenMail server = new GreenMail(port == 0 ? setup.dynamicPort() : setup);
    server.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication()); // any login
    try {
      server.start();
    } catch (RuntimeException e) {
      String why = port == 0 ? null : cannotListen(port);
      err.println(name + ": cannot listen on 127.0.0.1:" + port + ": " + (why == null ? rootMessage(e) : why)
          + "; choose another port with --port, and give check and send the same --port");
      return OutmailCli.FAILED;
    }
    server.getUserManager().setMessageDeliveryHandler(new Printer(out));
    Thread stopped = new Thread(() -> {
      server.stop();
      if (!output.quiet()) {
        synchronized (err) {
          err.println(name + ": stopped; " + received.get() + " mail(s) received");
          err.flush();
        }
      }
    }, "outmail-sink-stop");
    Runtime.getRuntime().addShutdownHook(stopped);
    try {
      if (!output.quiet()) {
        synchronized (out) {
          out.println(name + ": listening on 127.0.0.1:" + server.getSmtp().getPort()
              + " (SMTP, no TLS, any login or none); every mail is printed here and dropped. Ctrl-C stops it.");
          out.flush();
        }
      }
      new CountDownLatch(1).await(); // until Ctrl-C ends the JVM, or the thread is interrupted
    } catch (InterruptedException e) {
      // stopped by whoever runs this command in-process
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopped);
        server.stop();
      } catch (IllegalStateException shuttingDown) {
        // the hook stops the server
      }
    }
    return OutmailCli.OK;
  }

  /** Why nothing can listen on 127.0.0.1:port, as GreenMail would (address reused), or null when it can. */
  static @Nullable String cannotListen(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port));
      return null;
    } catch (BindException e) {
      return "the port is in use (another 'outmail sink' or another program?)";
    } catch (IOException e) {
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  /**
   * GreenMail hands each arriving message over once per recipient: the first time, print its line;
   * every time, give it to a user that keeps nothing.
   */
  private final class Printer implements com.icegreen.greenmail.user.MessageDeliveryHandler {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final PrintWriter out;
    private final Set<MovingMessage> printed = Collections
        .newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

    Printer(PrintWriter out) {
      this.out = out;
    }

    @Override
    public GreenMailUser handle(MovingMessage message, MailAddress recipient) {
      if (printed.add(message)) {
        received.incrementAndGet();
        String line = line(message);
        synchronized (out) {
          out.println(line);
          out.flush();
        }
      }
      return new Dropping(recipient.getEmail());
    }

    /** {@code 14:02:11  from A <a@x>  to b@y, c@z  subject "S"  1.2 KB}. */
    private String line(MovingMessage message) {
      MimeMessage mime = message.getMessage();
      String from = message.getReturnPath() == null ? "<>" : message.getReturnPath().getEmail();
      String subject = "";
      try {
        if (mime.getFrom() != null && mime.getFrom().length > 0) {
          from = mime.getFrom()[0].toString();
        }
        subject = mime.getSubject() == null ? "" : mime.getSubject();
      } catch (MessagingException e) {
        // a malformed header: show the envelope's sender, no subject
      }
      List<String> to = message.getToAddresses().stream().map(MailAddress::getEmail).collect(Collectors.toList());
      return LocalTime.now(ZoneId.systemDefault()).format(TIME) + "  from " + from + "  to " + String.join(", ", to)
          + "  subject \"" + subject + "\"  " + Progress.size(size(mime));
    }

    private long size(MimeMessage mime) {
      long[] n = new long[1];
      try {
        mime.writeTo(new OutputStream() {
          @Override
          public void write(int b) {
            n[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            n[0] += len;
          }
        });
      } catch (IOException | MessagingException e) {
        return Math.max(0, n[0]);
      }
      return n[0];
    }
  }

  /** A recipient whose mailbox keeps nothing: the sink stores no mail, however long it runs. */
  private record Dropping(String email) implements GreenMailUser {
    @Override
    public String getEmail() {
      return email;
    }

    @Override
    public String getLogin() {
      return email;
    }

    @Override
    public void deliver(MovingMessage msg) {
      // dropped
    }

    @Override
    public void deliver(MimeMessage msg) {
      // dropped
    }

    @Override
    public void create() {
      // nothing to create
    }

    @Override
    public void delete() {
      // nothing to delete
    }

    @Override
    public String getPassword() {
      return "";
    }

    @Override
    public void setPassword(String password) {
      // any password
    }

    @Override
    public void authenticate(String password) {
      // any password
    }

    @Override
    public String getQualifiedMailboxName() {
      return email;
    }
  }
}
