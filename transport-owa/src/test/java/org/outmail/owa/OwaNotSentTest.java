package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.RetryPolicy;
import org.outmail.TransportException;

/**
 * A Graph request that failed before any byte of it left (TLS handshake, refused connection) was
 * not sent: transient or permanent by its cause, never "the mail may or may not have been
 * accepted". Tokens come from the plain-http fake; Graph is a second fake served over HTTPS with a
 * certificate of a private CA the mailbox does not trust, or a socket that breaks the handshake off.
 */
@Timeout(60)
class OwaNotSentTest extends FakeGraphTest {

  private MailboxRegistry registry(int graphPort) {
    registry = MailboxRegistry.builder()
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())))
        .mailbox(OwaTestSupport.mailbox(graph, "desk").port(graphPort).encryption(Encryption.SSL_TLS)
            .retryPolicy(RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(5))).defaultOutgoing(true).build())
        .build();
    return registry;
  }

  private static Email email() {
    return Email.builder().to("alice@example.org").subject("Hi").text("body").build();
  }

  @Test
  void aServerCertificateTheMailboxDoesNotTrustIsAPermanentTlsFailureAndNothingWasSent() throws Exception {
    try (FakeGraph https = FakeGraph.https()) {
      MailboxRegistry r = registry(https.port());

      assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
          .isInstanceOfSatisfying(TransportException.class, e -> {
            assertThat(e.kind()).isEqualTo(TransportException.Kind.PERMANENT);
            assertThat(e.isOutcomeUnknown()).isFalse();
            assertThat(e.stage()).isEqualTo(TransportException.Stage.TLS);
            assertThat(e.getMessage())
                .startsWith("mailbox 'desk': Graph sendMail failed: the TLS handshake with 127.0.0.1:" + https.port()
                    + " failed, nothing was sent: ")
                .contains("is not signed by a trusted certificate authority")
                .doesNotContain("may or may not");
          });
      assertThat(https.calls()).isEmpty();
      assertThat(graph.tokenRequests()).isEqualTo(1);
    }
  }

  @Test
  void aHandshakeTheServerBreaksOffIsATransientTlsFailureRetriedAndNothingWasSent() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket breaking = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread t = new Thread(() -> {
        while (!breaking.isClosed()) {
          try (Socket s = breaking.accept()) {
            accepted.incrementAndGet();
            s.getInputStream().read(); // the ClientHello begins; then the connection is closed
          } catch (IOException e) {
            return;
          }
        }
      }, "breaking-handshake");
      t.setDaemon(true);
      t.start();
      MailboxRegistry r = registry(breaking.getLocalPort());

      assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
          .isInstanceOfSatisfying(TransportException.class, e -> {
            assertThat(e.kind()).isEqualTo(TransportException.Kind.TRANSIENT);
            assertThat(e.stage()).isEqualTo(TransportException.Stage.TLS);
            assertThat(e.getMessage())
                .startsWith(
                    "mailbox 'desk': Graph sendMail failed: the TLS handshake with 127.0.0.1:" + breaking.getLocalPort()
                        + " failed, nothing was sent: ")
                .doesNotContain("may or may not");
          });
      assertThat(accepted.get()).isEqualTo(3);
    }
  }
}
