package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;

/** The SOCKS5 settings are checked when the registry is built; the CONNECT request names the server. */
class Socks5ConfigTest {
  private static Mailbox.Builder mailbox() {
    return Fixtures.mailbox(25, Encryption.NONE).defaultOutgoing(true);
  }

  @Test
  void aBadProxyFailsTheBuildNamingTheMailboxAndTheKey() {
    assertThatThrownBy(
        () -> MailboxRegistry.builder().mailbox(mailbox().setting("smtp.proxy", "http://proxy:3128").build()).build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("smtp.proxy");
          assertThat(e.getMessage())
              .startsWith("mailbox 'mb': smtp.proxy 'http://proxy:3128' must start with socks5://");
        });
    assertThatThrownBy(
        () -> MailboxRegistry.builder().mailbox(mailbox().setting("smtp.proxy", "socks5://proxy").build()).build())
        .hasMessage("mailbox 'mb': smtp.proxy 'socks5://proxy' names no port; give socks5://proxy:PORT");
    assertThatThrownBy(() -> MailboxRegistry.builder().mailbox(mailbox().setting("smtp.proxy", "socks5://proxy:1080")
        .setting("smtp.proxy-user", "svc").build()).build())
        .hasMessage("mailbox 'mb': smtp.proxy-password is required with proxy-user 'svc'");
  }

  @Test
  void theProxyPasswordGivenAsASettingIsKeptAsASecret() {
    Mailbox mb = mailbox().setting("smtp.proxy", "socks5://proxy:1080").setting("smtp.proxy-user", "svc")
        .setting("smtp.proxy-password", "Pr0xy-pw").build();

    assertThat(mb.settings()).doesNotContainKey("smtp.proxy-password");
    assertThat(Mailbox.textForm().secrets(mb).get("smtp.proxy-password").value()).isEqualTo("Pr0xy-pw");
    assertThat(mb.toString()).doesNotContain("Pr0xy-pw");
    assertThat(SmtpOptions.proxy(mb).orElseThrow().password().map(Secret::value)).contains("Pr0xy-pw");
  }

  @Test
  void aPropertiesFileGivesTheProxyPasswordAsASecretNeverShown(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("outmail.properties");
    Files.writeString(file, String.join("\n",
        "outmail.mailbox.mb.email-display=desk@example.com",
        "outmail.mailbox.mb.host=smtp.example.com",
        "outmail.mailbox.mb.protocol=smtp",
        "outmail.mailbox.mb.smtp.proxy=socks5://proxy.example.com:1080",
        "outmail.mailbox.mb.smtp.proxy-user=svc-proxy",
        "outmail.mailbox.mb.smtp.proxy-password=Pr0xy-pw",
        "outmail.mailbox.mb.smtp.no-proxy=localhost,.corp.example"));

    try (MailboxRegistry r = MailboxRegistry.load(file)) {
      Mailbox mb = r.mailboxes().get(0);
      assertThat(Mailbox.textForm().secrets(mb)).containsKey("smtp.proxy-password");
      assertThat(Mailbox.textForm().secrets(mb).get("smtp.proxy-password").value()).isEqualTo("Pr0xy-pw");
      assertThat(mb.settings()).doesNotContainKey("smtp.proxy-password");
      assertThat(mb.toString()).doesNotContain("Pr0xy-pw");
      assertThat(SmtpOptions.proxy(mb).orElseThrow().toString()).isEqualTo("socks5://proxy.example.com:1080");
      assertThat(SmtpOptions.proxy(mb).orElseThrow().bypasses("mx.corp.example")).isTrue();
    }
  }

  @Test
  void connectRequestsCarryTheNameForTheProxyToResolveOrTheAddress() throws Exception {
    assertThat(Socks5.connectRequest("smtp.example.com", 587)).containsExactly(
        concat(new byte[] {5, 1, 0, 3, 16}, "smtp.example.com".getBytes(), new byte[] {2, 75}));
    assertThat(Socks5.connectRequest("192.0.2.7", 25)).containsExactly(5, 1, 0, 1, 192 - 256, 0, 2, 7, 0, 25);
    byte[] v6 = Socks5.connectRequest("[2001:db8::1]", 465);
    assertThat(v6).hasSize(22);
    assertThat(v6[3]).isEqualTo((byte) 4);
    assertThat(v6[4]).isEqualTo((byte) 0x20);
    assertThat(v6[19]).isEqualTo((byte) 1);
    assertThat(new byte[] {v6[20], v6[21]}).containsExactly(1, 465 - 256);
  }

  @Test
  void replyCodesAreSaidInWords() {
    assertThat(Socks5.reason(1)).isEqualTo("general SOCKS server failure");
    assertThat(Socks5.reason(3)).isEqualTo("network unreachable");
    assertThat(Socks5.reason(4)).isEqualTo("host unreachable");
    assertThat(Socks5.reason(6)).isEqualTo("TTL expired");
    assertThat(Socks5.reason(8)).isEqualTo("address type not supported");
    assertThat(Socks5.reason(42)).isEqualTo("reply code 42");
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
