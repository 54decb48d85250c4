package org.outmail.testing;

import java.time.Duration;
import java.util.List;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.Setting;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.SettingValues;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/**
 * A transport for core's tests under the test-only protocol {@code vault}, found by ServiceLoader,
 * with a secret setting ({@code vault.api-key}) and a clear one ({@code vault.region}): it stands
 * for any transport that owns a secret, as the SMTP transport owns its DKIM key. Two settings of
 * several words ({@code vault.seal.domain}, and the secret {@code vault.seal.private-key}) stand for
 * the SMTP transport's {@code smtp.dkim.domain} and {@code smtp.dkim.private-key}. Each transport it
 * opens reads the key as transports do, through {@link SettingValues#secret}, and its Check says
 * the key's length and lines, never the key.
 */
public final class VaultTransportProvider implements TransportProvider {
  public static final String PROTOCOL = "vault";

  static final List<Setting> SETTINGS = List.of(
      Setting.builder("api-key", Setting.Type.SECRET).help("The key the vault transport signs with.").build(),
      Setting.builder("region", Setting.Type.TEXT).help("Where the vault is.").build(),
      Setting.builder("seal.domain", Setting.Type.TEXT).help("The domain the vault seals mails for.").build(),
      Setting.builder("seal.private-key", Setting.Type.SECRET).help("The key the vault seals with.").build());

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public List<Setting> settings() {
    return SETTINGS;
  }

  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    SettingValues v = SettingValues.of(mailbox, PROTOCOL, SETTINGS);
    String key = v.secret("api-key").map(s -> s.value()).orElse("");
    return new MailTransport() {
      @Override
      public TransportReceipt send(OutgoingMessage message) {
        return TransportReceipt.accepted(message.recipients(), "250 vaulted");
      }

      @Override
      public CheckResult check() {
        return CheckResult.passed("vault ready with a key of " + key.length() + " characters on "
            + key.lines().count() + " lines", Duration.ZERO);
      }

      @Override
      public void close() {}
    };
  }
}
