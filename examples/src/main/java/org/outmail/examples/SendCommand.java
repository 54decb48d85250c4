package org.outmail.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.outmail.BlockReason;
import org.outmail.Email;
import org.outmail.HookFailure;
import org.outmail.InvalidEmailException;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.SendResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code outmail send}: sends one email through a mailbox, as a host application would. */
@Command(name = "send", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class,
    sortOptions = false,
    description = {"Sends an email through the named mailbox, or the default outgoing one, applying its "
        + "rules: exclude expression, allowed emails, subject prefix, post-send hooks.",
        "Prints the Message-ID, the subject as sent and the recipients accepted and blocked."})
final class SendCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Option(names = {"-m", "--mailbox"}, paramLabel = "ID",
      description = "The OUT mailbox to send through; the default outgoing mailbox when absent.")
  String mailbox;

  @Option(names = {"-t", "--to"}, required = true, arity = "1..*", split = ",", paramLabel = "ADDR",
      description = "Recipients (repeat the option, list them after it, or separate them with commas).")
  List<String> to = new ArrayList<>();

  @Option(names = {"-s", "--subject"}, required = true, paramLabel = "S", description = "The subject.")
  String subject;

  @Option(names = {"-r", "--record"}, paramLabel = "ID",
      description = "The record's id (a ticket number): the mailbox's prefix tags the subject with it.")
  String record;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Body body;

  static final class Body {
    @Option(names = "--text", paramLabel = "T", description = "The plain-text body.")
    String text;

    @Option(names = "--text-file", paramLabel = "F", description = "A UTF-8 file holding the plain-text body.")
    Path textFile;
  }

  @Option(names = {"-a", "--attach"}, arity = "1..*", paramLabel = "FILE", description = "Files to attach.")
  List<Path> attachments = new ArrayList<>();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Email email = email();
    try (MailboxRegistry registry = config.load()) {
      OutgoingMailer mailer = registry.forRecord(mailbox);
      SendResult result = mailer.send(email);
      print(result, spec.commandLine().getOut());
    }
    return OutmailCli.OK;
  }

  /** The email of the options; a bad address, file or missing body is a usage error. */
  private Email email() {
    try {
      Email.Builder b = Email.builder().to(to).subject(subject);
      if (record != null) {
        b.recordId(record);
      }
      if (body != null && body.text != null) {
        b.text(body.text);
      } else if (body != null && body.textFile != null) {
        b.text(read(body.textFile));
      }
      for (Path file : attachments) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
          throw usage("--attach " + file + ": not a readable file");
        }
        b.attach(file.getFileName().toString(), contentType(file), file);
      }
      return b.build();
    } catch (InvalidEmailException e) {
      throw usage(e.getMessage());
    }
  }

  private String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw usage("--text-file " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    }
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

  private static void print(SendResult r, PrintWriter out) {
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
    for (HookFailure f : r.hookFailures()) {
      out.println("Hook failed: " + f.hook() + ": " + f.message() + " (the mail was sent)");
    }
  }
}
