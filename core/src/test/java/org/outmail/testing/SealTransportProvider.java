package org.outmail.testing;

import java.util.List;
import org.outmail.Mailbox;
import org.outmail.Setting;
import org.outmail.spi.MailTransport;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;

/**
 * A transport for core's tests under the test-only protocol {@code seal}, found by ServiceLoader,
 * whose setting {@code seal.domain} is also the end of the vault transport's {@code
 * vault.seal.domain}: a key {@code outmail.mailbox.support.vault.seal.domain} could be read as the
 * mailbox {@code support.vault} setting {@code seal.domain}, and the loader must take the longer. It
 * opens no transport: no mailbox of core's tests sends through it.
 */
public final class SealTransportProvider implements TransportProvider {
  public static final String PROTOCOL = "seal";

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public List<Setting> settings() {
    return List.of(Setting.builder("domain", Setting.Type.TEXT).help("The domain sealed for.").build());
  }

  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    throw new UnsupportedOperationException("the seal transport only describes its settings");
  }
}
