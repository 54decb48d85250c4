package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.OutgoingMailer;

/**
 * Guards the CPU of the send path without timing it: the bytes one thread allocates to send a
 * 1 KB mail (building it, core's pipeline, MIME and wire bytes, the pipelined transaction and its
 * replies), over 10,000 mails to a local server that offers PIPELINING and CHUNKING, on one pooled
 * connection. Allocation follows the work done per mail and, unlike time, does not move with the
 * load of a shared machine.
 */
@Timeout(300)
class SendAllocationTest extends ScriptedServerTest {
  /**
   * The most bytes a 1 KB mail may allocate on the sending thread. Measured with this test
   * (OpenJDK 17, C2): 26,438 bytes a mail while the transport made an Angus {@code MimeMessage}
   * (and its {@code InternetHeaders}) for every mail and core matched addresses and record ids with
   * regular expressions; 12,105 bytes since. The budget leaves a third for JIT and JDK
   * differences, not room for the per-mail MIME objects to come back.
   */
  static final long BUDGET_BYTES_PER_MAIL = 16_000;
  private static final int MAILS = 10_000;

  @Test
  void aOneKilobyteMailAllocatesWithinItsBudget() throws Exception {
    server.offerPipelining().offerChunking();
    OutgoingMailer mailer = registry(Fixtures.mailbox(server.port(), Encryption.NONE)
        .options(SmtpOptions.builder().maxConnections(1).build())).defaultOutgoing();
    String body = ("The quick brown fox jumps over the lazy dog, line " + "x".repeat(10) + "\n").repeat(20).substring(0,
        1024);
    for (int i = 0; i < 3_000; i++) { // warm-up: the JIT's escape analysis changes what is allocated
      mailer.send(email(i, body));
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < MAILS; i++) {
      mailer.send(email(i, body));
    }
    long perMail = (threads.getThreadAllocatedBytes(id) - before) / MAILS;
    System.out.println("SendAllocationTest: " + perMail + " bytes allocated per 1 KB mail");

    assertThat(server.received()).hasSize(3_000 + MAILS);
    assertThat(perMail).as("bytes allocated per 1 KB mail (budget %d)", BUDGET_BYTES_PER_MAIL)
        .isLessThanOrEqualTo(BUDGET_BYTES_PER_MAIL);
  }

  private static Email email(int i, String body) {
    return Email.builder().to("rcpt@example.org").subject("Allocation " + i).text(body).build();
  }
}
