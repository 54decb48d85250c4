package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;

/** A weak DKIM key is reported once when the registry builds the mailbox, not again when its transport opens. */
class DkimWarningOnceTest {
  @Test
  void aShortRsaKeyIsWarnedAboutOncePerMailboxBuild() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(g.generateKeyPair()
            .getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Mailbox m = Mailbox.textForm()
        .secret(Mailbox.builder("weak").emailDisplay("weak@example.com").host("127.0.0.1").port(closedPort)
            .encryption(Encryption.NONE).setting("smtp.dkim.domain", "example.com").setting("smtp.dkim.selector", "s1"),
            "smtp.dkim.private-key", Secret.of(pem))
        .build();

    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    String check;
    try (MailboxRegistry registry = MailboxRegistry.builder().mailbox(m).build()) {
      check = registry.outgoing("weak").check().message(); // opens the transport
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(check).contains("signs with DKIM as d=example.com, s=s1 (rsa-sha256, 1024-bit key)");
    assertThat(log.split("smtp.dkim.private-key is an RSA key of 1024 bits", -1)).as(log).hasSize(2);
  }
}
