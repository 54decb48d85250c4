package org.outmail.smtp;

import java.util.List;
import java.util.Locale;
import org.outmail.Mailbox;
import org.outmail.oauth.AccessToken;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthGrant;

/**
 * How a mailbox logs in: not at all (no user name, no OAuth client), with its user name and
 * password (PLAIN, else LOGIN), or with XOAUTH2 and a token of its OAuth client.
 */
final class SmtpAuth {
  /** Microsoft 365 (Exchange Online) SMTP, app-only. */
  static final String MICROSOFT_SCOPE = "https://outlook.office365.com/.default";
  /** Microsoft 365 (Exchange Online) SMTP, delegated: what an administrator consented to when validating. */
  static final String MICROSOFT_DELEGATED_SCOPE = "https://outlook.office.com/SMTP.Send";
  /** Gmail SMTP. */
  static final String GOOGLE_SCOPE = "https://mail.google.com/";

  enum Kind {
    NONE(""),
    PASSWORD("PLAIN LOGIN"),
    XOAUTH2("XOAUTH2");

    /** Value of {@code mail.smtp.auth.mechanisms}: the mechanisms allowed, in order. */
    final String mechanisms;

    Kind(String mechanisms) {
      this.mechanisms = mechanisms;
    }
  }

  /** A user name and the secret to present with it (and the access token it is, for XOAUTH2); never printed. */
  record Credentials(String user, String secret, AccessToken accessToken) {
    @Override
    public String toString() {
      return "Credentials[" + user + ", ****]";
    }
  }

  private final Mailbox mailbox;
  private final AccessTokens tokens;
  private final Kind kind;

  SmtpAuth(Mailbox mailbox, AccessTokens tokens) {
    this.mailbox = mailbox;
    this.tokens = tokens;
    if (mailbox.oauthClient().isPresent()) {
      kind = Kind.XOAUTH2;
    } else if (mailbox.username().isPresent()) {
      kind = Kind.PASSWORD;
    } else {
      kind = Kind.NONE;
    }
  }

  Kind kind() {
    return kind;
  }

  /** The user name sent to the server: the mailbox's user name, else (XOAUTH2) its From address. */
  String user() {
    return mailbox.username().orElse(mailbox.emailDisplay());
  }

  /**
   * The credentials for a new connection: the password, or an access token that is valid for a
   * while yet ({@code refused} not null: a token in place of the one the server refused, fetched
   * only if no other connection has replaced it already).
   *
   * @throws org.outmail.OAuthException if no token can be had
   */
  Credentials credentials(Credentials refused) {
    return switch (kind) {
      case NONE -> new Credentials(null, null, null);
      case PASSWORD -> new Credentials(user(), mailbox.password().orElseThrow().value(), null);
      case XOAUTH2 -> {
        OAuthClient client = mailbox.oauthClient().orElseThrow();
        if (client.grant() == OAuthGrant.JWT_BEARER) {
          client = client.withSubject(user()); // a service account acts for the mailbox's user
        }
        List<String> scopes = scopes(client);
        AccessToken token = refused == null || refused.accessToken() == null
            ? tokens.get(client, scopes) : tokens.refresh(client, scopes, refused.accessToken());
        yield new Credentials(user(), token.token().value(), token);
      }
    };
  }

  /**
   * The mechanism Angus Mail picks on this connection: the first of ours the server offers, as
   * Angus does; null when not authenticating.
   */
  String mechanismOffered(SmtpConnection connection) {
    if (kind == Kind.NONE) {
      return null;
    }
    String offered = connection.getExtensionParameter("AUTH");
    List<String> server = offered == null ? List.of() : List.of(offered.toUpperCase(Locale.ROOT).split("\\s+"));
    for (String m : kind.mechanisms.split(" ")) {
      if (server.contains(m) || (m.equals("LOGIN") && connection.supportsExtension("AUTH=LOGIN"))) {
        return m;
      }
    }
    return null;
  }

  /**
   * The scopes to ask for: the client's own, else the SMTP scope of its provider (for Microsoft,
   * app-only or delegated).
   */
  static List<String> scopes(OAuthClient client) {
    if (!client.scopes().isEmpty()) {
      return client.scopes();
    }
    return switch (client.provider()) {
      case MICROSOFT -> List.of(client.grant() == OAuthGrant.REFRESH_TOKEN ? MICROSOFT_DELEGATED_SCOPE : MICROSOFT_SCOPE);
      case GOOGLE -> List.of(GOOGLE_SCOPE);
      case GENERIC -> List.of();
    };
  }
}
