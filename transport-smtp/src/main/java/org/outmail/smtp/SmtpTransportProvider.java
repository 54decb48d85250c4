package org.outmail.smtp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.outmail.Encryption;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.Setting;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import org.outmail.spi.MailTransport;
import org.outmail.spi.Tls;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol {@code smtp}: outmail's own SMTP client, with Eclipse Angus Mail building the MIME. Found by {@link java.util.ServiceLoader}: adding
 * this jar to the classpath is all a host does.
 */
public final class SmtpTransportProvider implements TransportProvider {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpTransportProvider.class);
  static final String PROTOCOL = SmtpOptions.PROTOCOL;

  /** For {@link java.util.ServiceLoader}. */
  public SmtpTransportProvider() {}

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  /** The connection pool's settings: see {@link SmtpOptions}. */
  @Override
  public List<Setting> settings() {
    return SmtpOptions.SETTINGS;
  }

  /**
   * Checks what an SMTP mailbox needs: a host; a password with a user name (and no password
   * without one); scopes for a {@code GENERIC} OAuth client; a readable trust file; with {@code
   * smtp.dkim.domain}, a selector and a readable private key (warns about a short RSA key and a
   * domain DMARC does not align with the From address). The registry calls it once per build of a
   * mailbox: the warnings are logged here, not again when the transport is opened.
   */
  @Override
  public void validate(Mailbox mailbox) {
    validate(mailbox, true);
  }

  private void validate(Mailbox mailbox, boolean warn) {
    Objects.requireNonNull(mailbox, "mailbox == null");
    String id = mailbox.id();
    if (mailbox.host().isEmpty()) {
      throw fail(id, "host", "is required for protocol smtp");
    }
    OAuthClient client = mailbox.oauthClient().orElse(null);
    if (client == null) {
      if (mailbox.username().isPresent() && mailbox.password().isEmpty()) {
        throw fail(id, "password",
            "is required with username '" + mailbox.username().get() + "' (or set an oauth-client)");
      }
      if (mailbox.password().isPresent() && mailbox.username().isEmpty()) {
        throw fail(id, "username", "is required when a password is set");
      }
    } else if (client.provider() == OAuthProvider.GENERIC && client.scopes().isEmpty()) {
      throw fail(id, "oauth-client",
          "'" + client.name() + "' is GENERIC and names no scopes; give the SMTP scope of its provider");
    }
    SmtpOptions.of(mailbox);
    SmtpOptions.proxy(mailbox);
    Optional<DkimSettings> dkim = SmtpOptions.dkim(mailbox);
    mailbox.trustStore().ifPresent(p -> Tls.context(mailbox));
    if (!warn) {
      return;
    }
    dkim.ifPresent(d -> d.warn(mailbox));
    if (mailbox.encryption() == Encryption.NONE && (mailbox.username().isPresent() || client != null)
        && !loopback(mailbox)) {
      LOG.warn("mailbox '{}': credentials go to {} without encryption; use STARTTLS or SSL_TLS", id,
          mailbox.host().get());
    }
  }

  /**
   * @throws TransportException permanent, at stage {@link TransportException.Stage#CONFIG}, when the
   *     mailbox is refused now (e.g. its trust file is gone since the registry was built)
   */
  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    Objects.requireNonNull(mailbox, "mailbox == null");
    Objects.requireNonNull(context, "context == null");
    try {
      validate(mailbox, false); // the registry validated it and warned when it built the mailbox
      return new SmtpTransport(mailbox, context);
    } catch (MailboxConfigException e) {
      throw TransportException.builder(mailbox.id(), String.valueOf(e.getMessage()))
          .stage(TransportException.Stage.CONFIG).cause(e).build();
    }
  }

  private static boolean loopback(Mailbox mailbox) {
    return mailbox.servers().stream().map(s -> s.host())
        .allMatch(host -> host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }

  private static MailboxConfigException fail(String id, String field, String problem) {
    return new MailboxConfigException(id, field, MailException.mailboxPrefix(id) + field + " " + problem);
  }

  @Override
  public String toString() {
    return "SmtpTransportProvider[smtp]";
  }
}
