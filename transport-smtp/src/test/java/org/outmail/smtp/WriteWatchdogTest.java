package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.TransportException;

/**
 * The write timeout: a write that makes no progress gets its socket closed (one check per
 * connection, no timer per write); a server that takes DATA and then reads nothing fails the send
 * as transient, the message not handed over.
 */
@Timeout(60)
class WriteWatchdogTest extends ScriptedServerTest {

  @Test
  void aWriteThatMakesNoProgressHasItsSocketClosed() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        Socket client = new Socket(InetAddress.getByName("127.0.0.1"), listener.getLocalPort());
        Socket peer = listener.accept()) {
      WriteWatchdog watchdog = new WriteWatchdog(Duration.ofMillis(300));
      watchdog.watch(client, scheduler);
      OutputStream out = client.getOutputStream();
      byte[] chunk = new byte[WriteWatchdog.CHUNK];

      assertThatThrownBy(() -> {
        while (true) { // the peer never reads: the socket buffers fill, then a write blocks
          watchdog.begin();
          try {
            out.write(chunk);
          } finally {
            watchdog.end();
          }
        }
      }).isInstanceOf(IOException.class);
      assertThat(watchdog.fired()).isTrue();
      assertThat(client.isClosed()).isTrue();
      watchdog.stop();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void anIdleConnectionWaitingForAReplyIsNotClosed() throws Exception {
    server.at(".", ScriptedSmtpServer.Action.reply("250 2.0.0 Ok"));
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).writeTimeout(Duration.ofMillis(100)));
    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("one").text("x").build());

    r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("two").text("x").build());

    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void aServerThatStopsReadingAfterDataFailsTheSendAsTransient(@TempDir Path dir) throws Exception {
    server.at("DATA", ScriptedSmtpServer.Action.acceptDataThenStopReading(),
        ScriptedSmtpServer.Action.acceptDataThenStopReading());
    Path file = Files.write(dir.resolve("big.bin"), new byte[24 << 20]);
    MailboxRegistry r = registry(Fixtures.mailbox(server.port(), Encryption.NONE).writeTimeout(Duration.ofMillis(500))
        .retryPolicy(org.outmail.RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(10))));

    assertThatThrownBy(() -> r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("big").text("x")
        .attach("big.bin", "application/octet-stream", file).build()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.isOutcomeUnknown()).isFalse();
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': timed out after 500 ms writing DATA to 127.0.0.1:" + server.port()
                  + " (no progress); the message was not handed over");
        });
    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
  }
}
