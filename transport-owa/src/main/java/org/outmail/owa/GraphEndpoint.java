package org.outmail.owa;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.outmail.Encryption;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.oauth.OAuthClient;

/**
 * Where a mailbox's Graph requests go and as whom: the base URL (from the mailbox's host, port and
 * encryption), the user whose {@code sendMail} is called, and the token scopes.
 */
record GraphEndpoint(URI baseUrl, String host, String user, List<String> scopes, boolean saveToSentItems) {
  static final String DEFAULT_HOST = "graph.microsoft.com";
  static final String DEFAULT_SCOPE = "https://graph.microsoft.com/.default";

  /**
   * @throws MailboxConfigException naming the field when the mailbox cannot be sent through Graph
   */
  static GraphEndpoint of(Mailbox mailbox) {
    OAuthClient client = mailbox.oauthClient().orElseThrow(() -> fail(mailbox, "oauth-client",
        "is required for protocol owa (an app registration with the Mail.Send application permission)"));
    if (mailbox.servers().size() > 1) {
      throw fail(mailbox, "host", "names " + mailbox.servers().size() + " servers; protocol owa takes one host "
          + "(several servers are for protocol smtp)");
    }
    if (mailbox.host().isPresent() && !mailbox.host().get().equals(mailbox.servers().get(0).host())) {
      throw fail(mailbox, "host",
          "'" + mailbox.host().get() + "' has a port; for protocol owa give the port in the port field");
    }
    String host = mailbox.host().orElse(DEFAULT_HOST);
    boolean loopback = isLoopback(host);
    String scheme = "https";
    if (mailbox.encryption() == Encryption.NONE) {
      if (!loopback) {
        throw fail(mailbox, "encryption",
            "NONE (plain http) is allowed for protocol owa only on loopback hosts, not " + host);
      }
      scheme = "http";
    }
    String authority = host + (mailbox.explicitPort().isPresent() ? ":" + mailbox.explicitPort().getAsInt() : "");
    URI base = URI.create(scheme + "://" + authority + "/v1.0");
    List<String> scopes = !client.scopes().isEmpty() ? client.scopes()
        : List.of(loopback || host.equals(DEFAULT_HOST) ? DEFAULT_SCOPE : "https://" + host + "/.default");
    OwaOptions options = OwaOptions.of(mailbox);
    return new GraphEndpoint(base, host.toLowerCase(Locale.ROOT), options.sendAs().orElse(
        Objects.requireNonNull(mailbox.emailDisplay(), "emailDisplay == null")), scopes,
        options.saveToSentItems());
  }

  static boolean isLoopback(String host) {
    return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]");
  }

  /** Whether plain http may be used for this URI: only for a loopback host. */
  static boolean plainHttpAllowed(URI uri) {
    return uri.getHost() != null && isLoopback(uri.getHost());
  }

  private static MailboxConfigException fail(Mailbox mailbox, String field, String problem) {
    return new MailboxConfigException(mailbox.id(), field,
        MailException.mailboxPrefix(mailbox.id()) + field + " " + problem);
  }
}
