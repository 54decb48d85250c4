package org.outmail.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.outmail.BlockReason;
import org.outmail.Email;
import org.outmail.HookFailure;
import org.outmail.InvalidEmailException;
import org.outmail.MailEvent;
import org.outmail.MailException;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.SendListener;
import org.outmail.SendResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code outmail send}: sends one email through a mailbox, as a host application would. */
@Command(name = "send", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, sortOptions = false, description = {
    "Sends an email through the named mailbox, or the default outgoing one, applying its "
        + "rules: exclude expression, allowed emails, subject prefix, post-send hooks.",
    "Prints the Message-ID, the subject as sent and the recipients accepted, blocked, refused and still deferred. "
        + "A send still running after a second, and each retry, are announced on stderr."}, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:sent, and the server accepted every recipient",
            "1:not sent (server unreachable or refusing, mailbox disabled, every recipient blocked), or sent "
                + "without some recipients: refused by the server (for good, or still deferred) or blocked, listed on stderr",
            "2:usage error: unknown or missing option, two bodies, bad address or record id, unreadable file",
            "3:configuration error: unreadable file, unknown key, bad value, unknown mailbox, an IN mailbox",
            "130:interrupted (Ctrl-C) while sending: the mail may or may not have gone out"})
final class SendCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Mixin PortOption port;

  @Option(names = {"-m",
      "--mailbox"}, paramLabel = "ID", description = "The OUT mailbox to send through; the default outgoing mailbox when absent.")
  @Nullable String mailbox;

  @Option(names = {"-t",
      "--to"}, required = true, arity = "1..*", split = ",", paramLabel = "ADDR", description = "Recipients (repeat the option, list them after it, or separate them with commas).") List<String> to = new ArrayList<>();

  @Option(names = "--cc", arity = "1..*", split = ",", paramLabel = "ADDR", description = "Copy recipients.") List<String> cc = new ArrayList<>();

  @Option(names = "--bcc", arity = "1..*", split = ",", paramLabel = "ADDR", description = "Blind copy recipients: in the envelope, not in the headers.") List<String> bcc = new ArrayList<>();

  @Option(names = "--reply-to", arity = "1..*", split = ",", paramLabel = "ADDR", description = "Where replies go, when not to the mailbox's address.") List<String> replyTo = new ArrayList<>();

  @Option(names = {"-s", "--subject"}, required = true, paramLabel = "S", description = "The subject.") String subject;

  @Option(names = {"-r",
      "--record"}, paramLabel = "ID", description = "The record's id (a ticket number): the mailbox's prefix tags the subject with it, "
          + "[TICKET#4711] Subject.")
  @Nullable String record;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable Text text;

  static final class Text {
    @Option(names = "--text", paramLabel = "T", description = "The plain-text body.")
    @Nullable String text;

    @Option(names = "--text-file", paramLabel = "F", description = "A UTF-8 file holding the plain-text body.")
    @Nullable Path textFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable Html html;

  static final class Html {
    @Option(names = "--html", paramLabel = "H", description = "The HTML body; with a text body too, mail programs show the one they prefer.")
    @Nullable String html;

    @Option(names = "--html-file", paramLabel = "F", description = "A UTF-8 file holding the HTML body.")
    @Nullable Path htmlFile;
  }

  @Option(names = {"-a",
      "--attach"}, arity = "1..*", paramLabel = "FILE", description = "Files to attach.") List<Path> attachments = new ArrayList<>();

  @Mixin OutputOptions output;

  @ParentCommand OutmailCli cli;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Email email = email();
    PrintWriter err = spec.commandLine().getErr();
    try (MailboxRegistry registry = port.load(config); Progress progress = cli.progress(spec.commandLine(), output)) {
      OutgoingMailer mailer = registry.forRecord(mailbox);
      Attempts attempts = new Attempts(progress, mailer.mailbox().id(), size(email), email.to().size()
          + email.cc().size() + email.bcc().size());
      SendResult result;
      InFlight inFlight = new InFlight(err, spec.qualifiedName(), mailer.mailbox().id(), attempts);
      try {
        result = mailer.send(email, attempts);
      } catch (MailException e) {
        if (attempts.started() == 0) {
          throw e; // nothing reached the transport: disabled, blocked, misconfigured
        }
        err.println(spec.qualifiedName() + ": " + e.getMessage() + " (" + attempts.summary() + ")");
        return OutmailCli.FAILED;
      } finally {
        inFlight.close();
        attempts.close();
      }
      print(result, spec.commandLine().getOut(), output.quiet());
      return missed(result, err);
    }
  }

  /** Exit 1, and one line on stderr, when any recipient was blocked, refused or deferred by the server. */
  private int missed(SendResult r, PrintWriter err) {
    List<String> missed = new ArrayList<>();
    r.blockedRecipients().forEach((address, reason) -> missed.add(address + " (blocked: " + reason + ")"));
    r.rejectedRecipients().forEach((address, reply) -> missed.add(address + " (refused: " + reply + ")"));
    r.deferredRecipients().forEach((address, reply) -> missed.add(address + " (deferred: " + reply + ")"));
    if (missed.isEmpty()) {
      return OutmailCli.OK;
    }
    int all = r.acceptedRecipients().size() + missed.size();
    err.println(spec.qualifiedName() + ": not sent to " + missed.size() + " of " + all + " recipients: "
        + String.join(", ", missed));
    return OutmailCli.FAILED;
  }

  /** The email of the options; a bad address, file or missing body is a usage error. */
  private Email email() {
    try {
      Email.Builder b = Email.builder().to(to).cc(cc).bcc(bcc).subject(subject);
      if (!replyTo.isEmpty()) {
        b.replyTo(replyTo.toArray(String[]::new));
      }
      if (record != null) {
        b.recordId(record);
      }
      // each group holds one of its two options, or is absent
      if (text != null && text.text != null) {
        b.text(text.text);
      } else if (text != null && text.textFile != null) {
        b.text(read("--text-file", text.textFile));
      }
      if (html != null && html.html != null) {
        b.html(html.html);
      } else if (html != null && html.htmlFile != null) {
        b.html(read("--html-file", html.htmlFile));
      }
      for (Path file : attachments) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
          throw usage("--attach " + file + ": not a readable file");
        }
        b.attach(file.getFileName().toString(), contentType(file), file);
      }
      return b.build();
    } catch (InvalidEmailException e) {
      throw usage(Objects.requireNonNullElse(e.getMessage(), "not a valid mail"));
    }
  }

  private String read(String option, Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw usage(option + " " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** About what goes over the wire: the bodies and the attachments' files. */
  private long size(Email email) {
    long bytes = email.text().map(t -> (long) t.getBytes(StandardCharsets.UTF_8).length).orElse(0L)
        + email.html().map(h -> (long) h.getBytes(StandardCharsets.UTF_8).length).orElse(0L);
    for (Path file : attachments) {
      try {
        bytes += Files.size(file);
      } catch (IOException e) {
        // read again, and reported, when the transport reads it
      }
    }
    return bytes;
  }

  private static String contentType(Path file) {
    try {
      String type = Files.probeContentType(file);
      return type == null ? "application/octet-stream" : type;
    } catch (IOException e) {
      return "application/octet-stream";
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static void print(SendResult r, PrintWriter out, boolean quiet) {
    if (quiet) {
      out.println(r.messageId());
      return;
    }
    out.println("Mailbox:    " + r.mailboxId());
    out.println("Message-ID: " + r.messageId());
    out.println("Subject:    " + r.subject());
    List<String> accepted = r.acceptedRecipients();
    out.println("Accepted:   " + (accepted.isEmpty() ? "none" : String.join(", ", accepted)));
    if (r.blockedRecipients().isEmpty()) {
      out.println("Blocked:    none");
    }
    for (Map.Entry<String, BlockReason> e : r.blockedRecipients().entrySet()) {
      out.println("Blocked:    " + e.getKey() + " (" + e.getValue() + ")");
    }
    for (Map.Entry<String, String> e : r.rejectedRecipients().entrySet()) {
      out.println("Rejected:   " + e.getKey() + " (" + e.getValue() + ")");
    }
    for (Map.Entry<String, String> e : r.deferredRecipients().entrySet()) {
      out.println("Deferred:   " + e.getKey() + " (" + e.getValue() + ")");
    }
    for (HookFailure f : r.hookFailures()) {
      out.println("Hook failed: " + f.hook() + ": " + f.message() + " (the mail was sent)");
    }
  }

  /**
   * What core tells of the send, as progress lines: a slow attempt, and each retry with its wait.
   * Counts the attempts and the time for the final failure.
   */
  private static final class Attempts implements SendListener, AutoCloseable {
    private final Progress progress;
    private final String mailboxId;
    private final long size;
    private final int recipients;
    private final long start = System.nanoTime();
    private volatile int started;
    private volatile @Nullable String messageId;
    private volatile Progress.@Nullable Step slow;

    Attempts(Progress progress, String mailboxId, long size, int recipients) {
      this.progress = progress;
      this.mailboxId = mailboxId;
      this.size = size;
      this.recipients = recipients;
    }

    @Override
    public void attemptStarting(MailEvent.AttemptStarting event) {
      int attempt = event.attempt();
      int maxAttempts = event.maxAttempts();
      this.messageId = event.messageId();
      this.started = attempt;
      close();
      slow = progress.slow("sending " + Progress.size(size) + " to " + recipients
          + (recipients == 1 ? " recipient" : " recipients") + " through '"
          + mailboxId + "'" + (maxAttempts > 1 ? ", attempt " + attempt + " of " + maxAttempts : "") + "...");
    }

    @Override
    public void retrying(MailEvent.Retrying event) {
      close();
      progress
          .now("attempt " + event.attempt() + " of " + event.maxAttempts() + " failed: " + event.failure().getMessage()
              + "; attempt " + (event.attempt() + 1) + " of " + event.maxAttempts() + " in "
              + Progress.duration(event.delay()));
    }

    int started() {
      return started;
    }

    @Nullable
    String messageId() {
      return messageId;
    }

    /** {@code 3 attempts in 1.4 s}. */
    String summary() {
      return started + (started == 1 ? " attempt" : " attempts") + " in "
          + Progress.duration(Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void close() {
      Progress.Step s = slow;
      if (s != null) {
        s.close();
      }
    }
  }

  /**
   * While a send runs, a shutdown hook (Ctrl-C, a kill) says that the mail may or may not have gone
   * out: the JVM stops without waiting for the server's answer.
   */
  private static final class InFlight implements AutoCloseable {
    private final Thread hook;

    InFlight(PrintWriter err, String command, String mailboxId, Attempts attempts) {
      hook = new Thread(() -> {
        String message = attempts.started() == 0
            ? "interrupted before the mail was handed to the server: it was not sent"
            : "interrupted while sending through '" + mailboxId + "': the mail may or may not have gone out; "
                + "look for Message-ID " + attempts.messageId() + " at the recipients or in the server's log";
        synchronized (err) {
          err.println(command + ": " + message);
          err.flush();
        }
      }, "outmail-send-interrupted");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs, or has run
      }
    }
  }
}
