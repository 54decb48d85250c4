package org.outmail.smtp;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
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
    NONE(""), PASSWORD("PLAIN LOGIN"), XOAUTH2("XOAUTH2");

    /** The mechanisms allowed, in order of preference. */
    final String mechanisms;

    Kind(String mechanisms) {
      this.mechanisms = mechanisms;
    }
  }

  /** A user name and the secret to present with it (and the access token it is, for XOAUTH2); never printed. */
  record Credentials(@Nullable String user, @Nullable String secret, @Nullable AccessToken accessToken) {
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
    return mailbox.username().orElseGet(() -> Objects.requireNonNull(mailbox.emailDisplay(),
        "an OUT mailbox has an email-display"));
  }

  /**
   * The credentials for a new connection: the password, or an access token that is valid for a
   * while yet ({@code refused} not null: a token in place of the one the server refused, fetched
   * only if no other connection has replaced it already).
   *
   * @throws org.outmail.OAuthException if no token can be had
   */
  Credentials credentials(@Nullable Credentials refused) {
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
   * The mechanism to use on this connection: the first of ours the server offers; null when not
   * authenticating or when it offers none of them.
   */
  @Nullable
  String mechanismOffered(SmtpConnection connection) {
    if (kind == Kind.NONE) {
      return null;
    }
    String offered = connection.extension("AUTH");
    List<String> server = offered == null ? List.of() : List.of(offered.toUpperCase(Locale.ROOT).split("\\s+"));
    for (String m : kind.mechanisms.split(" ")) {
      if (server.contains(m) || (m.equals("LOGIN") && connection.supports("AUTH=LOGIN"))) {
        return m;
      }
    }
    return null;
  }

  /**
   * Authenticates on an open connection (after STARTTLS when the mailbox asks for it): PLAIN with
   * an initial response, LOGIN, or XOAUTH2 with the access token.
   *
   * @return the mechanism used
   * @throws OpenFailure at step AUTH: the server refused (its reply), offered no mechanism of
   *     ours, or the connection failed
   */
  String login(SmtpConnection c, Credentials credentials) throws OpenFailure {
    String mechanism = mechanismOffered(c);
    if (mechanism == null) {
      String offered = c.extension("AUTH");
      throw new OpenFailure(OpenFailure.Step.AUTH, null, offered == null
          ? "the server does not offer AUTH, but the mailbox has credentials"
          : "the server offers AUTH " + offered + ", none of " + kind.mechanisms, null);
    }
    String user = Objects.requireNonNull(credentials.user(), "the credentials of a mailbox that logs in");
    String secret = Objects.requireNonNull(credentials.secret(), "the credentials of a mailbox that logs in");
    Reply r;
    try {
      r = switch (mechanism) {
        case "PLAIN" -> {
          String response = base64("\0" + user + "\0" + secret);
          Reply first = c.ask("AUTH PLAIN " + response, "AUTH");
          yield first.code() == 334 ? c.ask(response, "AUTH") : first;
        }
        case "LOGIN" -> {
          Reply step = c.ask("AUTH LOGIN", "AUTH");
          if (step.code() == 334) {
            step = c.ask(base64(user), "AUTH");
          }
          if (step.code() == 334) {
            step = c.ask(base64(secret), "AUTH");
          }
          yield step;
        }
        default -> c.ask("AUTH XOAUTH2 " + base64("user=" + user + "\u0001auth=Bearer "
            + secret + "\u0001\u0001"), "AUTH");
      };
    } catch (java.io.IOException e) {
      throw new OpenFailure(OpenFailure.Step.AUTH, null, String.valueOf(e.getMessage()), e);
    }
    if (r.code() != 235) {
      // a 334 to XOAUTH2 is the server's error challenge (Gmail: a JSON status); it is the answer kept
      throw new OpenFailure(OpenFailure.Step.AUTH, r, "authentication failed", null);
    }
    return mechanism;
  }

  /** Whether the server refused the token itself ({@code 535}, or Gmail's {@code 334} error challenge). */
  static boolean tokenRefused(OpenFailure e) {
    Reply r = e.reply();
    return e.step() == OpenFailure.Step.AUTH && r != null && (r.code() == 535 || r.code() == 334);
  }

  private static String base64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
      case MICROSOFT ->
        List.of(client.grant() == OAuthGrant.REFRESH_TOKEN ? MICROSOFT_DELEGATED_SCOPE : MICROSOFT_SCOPE);
      case GOOGLE -> List.of(GOOGLE_SCOPE);
      case GENERIC -> List.of();
    };
  }
}
