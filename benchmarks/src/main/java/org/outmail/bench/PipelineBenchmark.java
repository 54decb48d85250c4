package org.outmail.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.outmail.AllowedEmails;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.SendResult;

/**
 * outmail's own cost per mail, with a transport that sends nothing: mailbox checks, recipient
 * filters (normalising, the exclude expression), the subject prefix, the outgoing message with its
 * Message-ID, the receipt and the result.
 *
 * <p>{@code send}: the email is built once (as a host does before handing it over); {@code
 * buildAndSend}: the email is built in the measured code too (address checks, unique id).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class PipelineBenchmark {
  private static final String BODY = Throughput.body(1024);

  private MailboxRegistry registry;
  private OutgoingMailer mailer;
  private Email email;

  @Setup(Level.Trial)
  public void setUp() {
    Mailbox mailbox = Mailbox.builder("support")
        .name("Service Desk")
        .emailDisplay("support@example.com")
        .displayName("Your Service Desk")
        .protocol(NoopTransportProvider.PROTOCOL)
        .prefix("TICKET#")
        .allowedEmails(AllowedEmails.ANY)
        .excludeExpression(".*@noreply\\.example\\.com")
        .defaultOutgoing(true)
        .build();
    registry = MailboxRegistry.builder()
        .mailbox(mailbox)
        .transportProvider(new NoopTransportProvider())
        .build();
    mailer = registry.defaultOutgoing();
    email = newEmail();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    registry.close();
  }

  static Email newEmail() {
    return Email.builder()
        .to("alice@example.org")
        .cc("bob@example.org")
        .subject("Printer on floor 2 is jammed")
        .text(BODY)
        .recordId("4711")
        .header("X-Priority", "3")
        .build();
  }

  @Benchmark
  public SendResult send() {
    return mailer.send(email);
  }

  @Benchmark
  public SendResult buildAndSend() {
    return mailer.send(newEmail());
  }
}
