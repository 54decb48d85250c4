package org.outmail.owa;

import java.util.List;
import java.util.Objects;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.Setting;
import org.outmail.TransportException;
import org.outmail.spi.MailTransport;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;

/**
 * Protocol {@code owa}: sends as a Microsoft 365 mailbox through Microsoft Graph ({@code
 * sendMail}), with an app-only token of the mailbox's OAuth client.
 *
 * <p>Mailbox fields used: {@code email-display} (the From address and, unless {@code send-as}
 * names another user, the mailbox sent from), {@code display-name}, {@code host} (default {@code
 * graph.microsoft.com}), {@code port}, {@code encryption} ({@code NONE}, plain http, only on
 * loopback), {@code oauth-client} (required), timeouts, the trust store, and the settings of {@link
 * OwaOptions}.
 */
public final class OwaTransportProvider implements TransportProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public OwaTransportProvider() {}

  static final String PROTOCOL = "owa";

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  /** Sent Items and send-as: see {@link OwaOptions}. */
  @Override
  public List<Setting> settings() {
    return OwaOptions.SETTINGS;
  }

  /** DKIM settings: Microsoft 365 signs the mail Graph sends. */
  @Override
  public java.util.Optional<String> settingRefusal(String key) {
    return OwaOptions.dkimRefusal(key);
  }

  /**
   * Checks the Graph endpoint, and refuses DKIM settings ({@code owa.dkim.*}, or {@code smtp.dkim.*}
   * left from an SMTP mailbox): Microsoft 365 signs the mail Graph sends.
   */
  @Override
  public void validate(Mailbox mailbox) {
    OwaOptions.refuseDkim(mailbox);
    GraphEndpoint.of(mailbox);
    if (OwaOptions.proxy(mailbox).isPresent()) {
      mailbox.oauthClient().filter(c -> c.proxy().isEmpty()).ifPresent(c -> org.slf4j.LoggerFactory.getLogger(
          OwaTransportProvider.class)
          .warn("mailbox '{}': owa.proxy carries the Graph requests, but OAuth client '{}' has no"
              + " proxy: its token requests go direct; give the client a proxy too", mailbox.id(), c.name()));
    }
  }

  /**
   * @throws TransportException permanent, at stage {@link TransportException.Stage#CONFIG}, when the
   *     mailbox cannot be sent through Graph
   */
  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    GraphEndpoint endpoint;
    try {
      endpoint = GraphEndpoint.of(mailbox);
    } catch (MailboxConfigException e) {
      throw TransportException.builder(mailbox.id(), Objects.requireNonNullElse(e.getMessage(), e.toString()))
          .stage(TransportException.Stage.CONFIG).cause(e).build();
    }
    return new OwaTransport(mailbox, endpoint, context.accessTokens());
  }
}
