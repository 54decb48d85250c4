package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.outmail.smtp.ScriptedSmtpServer.Action.dropConnection;
import static org.outmail.smtp.ScriptedSmtpServer.Action.stallForever;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.RetryPolicy;
import org.outmail.SendResult;
import org.outmail.TransportException;

/**
 * Every case of {@link FaultTest} again, on a server that offers PIPELINING and CHUNKING: each
 * transaction goes out in one write, {@code BDAT n LAST} with its content after the envelope, and
 * failures are classified, retried and reported as with DATA. One thing differs, and the cases
 * that show it are overridden here: the content goes before any reply, so a connection lost or
 * stalled while a reply of the mail is awaited leaves its outcome unknown, and it is not retried.
 */
class ChunkingFaultTest extends FaultTest {
  @BeforeEach
  void offerChunking() {
    server.offerPipelining().offerChunking();
  }

  @AfterEach
  void noDataWasSent() {
    assertThat(count("DATA")).isZero();
  }

  @Test
  @Override
  void aStallAtMailFromTimesOutAsTransient() {
    server.at("MAIL", stallForever(), stallForever(), stallForever());
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).readTimeout(Duration.ofSeconds(1))
        .retryPolicy(RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(10))));

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isOutcomeUnknown()).isTrue();
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': the message was sent to " + at() + " but no reply within 1 s "
                  + "before the server confirmed it: it may have been delivered, so it is not retried");
        });
    assertThat(count("MAIL")).isEqualTo(1);
  }

  @Test
  @Override
  void aConnectionDroppedBeforeTheFinalDotIsRetriedAndDeliveredOnce() {
    server.at("RCPT", dropConnection());
    MailboxRegistry r = plain();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email())).satisfies(this::lostAfterTheContentWentOut);
    assertThat(count("MAIL")).isEqualTo(1);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aPooledConnectionClosedByTheServerWhileIdleIsReplacedBeforeAnyContentGoes() throws Exception {
    MailboxRegistry r = plain();
    r.defaultOutgoing().send(email());
    server.dropAllConnections();
    Thread.sleep(SmtpConnection.STALE_AFTER_IDLE_NANOS / 1_000_000 + 200); // idle long enough to be checked by its replies

    SendResult second = r.defaultOutgoing().send(email("bob@example.org"));

    assertThat(second.attempts()).isEqualTo(1);
    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.received()).hasSize(2);
    assertThat(server.received().get(1).recipients()).containsExactly("bob@example.org");
  }

  @Test
  void aConnectionClosedRightAfterItsLastMailLeavesTheNextChunkedMailUnknown() throws Exception {
    MailboxRegistry r = plain();
    r.defaultOutgoing().send(email());
    server.dropAllConnections();

    // used again at once: the chunk goes with the envelope, and no reply comes back
    assertThatThrownBy(() -> r.defaultOutgoing().send(email("bob@example.org")))
        .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.isOutcomeUnknown()).isTrue());
    assertThat(server.connections()).isEqualTo(1);
  }

  /** The chunk went with the batch; the server refused it for want of a recipient, and took nothing. */
  @Override
  void assertNoContentSentAfterEveryRecipientRefused() {
    assertThat(count("BDAT")).isPositive();
    assertThat(server.received()).isEmpty();
  }
}
