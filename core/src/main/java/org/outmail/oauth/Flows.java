package org.outmail.oauth;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;

/**
 * What the browser flow ({@link OAuthValidations#start}) and the device flow ({@link DeviceFlow})
 * share: the checks of a client before a validation starts, the scopes asked, PKCE's challenge, the
 * redirect's parameters, and the wording of their errors.
 */
final class Flows {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private Flows() {}

  /** Why a Google client has no device flow, and what to do instead. */
  static String googleHasNoDeviceFlow(String clientName) {
    return "OAuth client '" + clientName + "': Google's device flow does not grant the Gmail scope"
        + " (https://mail.google.com/); validate it in a browser instead (outmail oauth validate " + clientName
        + " without --device, on any machine with a browser), or use a Google Workspace service account"
        + " (grant JWT_BEARER)";
  }

  static void checkDelegated(OAuthClient client) {
    if (client.grant() != OAuthGrant.REFRESH_TOKEN) {
      throw config(client, "grant", "is " + client.grant() + ", which needs no validation (the client's "
          + (client.grant() == OAuthGrant.JWT_BEARER ? "service account key" : "secret") + " gets tokens);"
          + " an administrator validates clients with grant REFRESH_TOKEN");
    }
  }

  static List<String> scopes(OAuthClient client, List<String> given) {
    List<String> scopes = new ArrayList<>(!given.isEmpty() ? given : client.scopes());
    if (scopes.isEmpty()) {
      switch (client.provider()) {
        case MICROSOFT -> scopes.add(OAuthValidations.MICROSOFT_SMTP_SCOPE);
        case GOOGLE -> scopes.add(OAuthValidations.GOOGLE_MAIL_SCOPE);
        case GENERIC -> throw config(client, "scopes", "are required to validate a GENERIC client");
      }
    }
    if (client.provider() == OAuthProvider.MICROSOFT && !scopes.contains("offline_access")) {
      scopes.add(0, "offline_access");
    }
    return List.copyOf(scopes);
  }

  static List<Secret> hidden(OAuthClient client) {
    List<Secret> hidden = new ArrayList<>();
    client.clientSecret().ifPresent(hidden::add);
    return hidden;
  }

  static MailboxConfigException config(OAuthClient client, String field, String problem) {
    return new MailboxConfigException(null, field, "oauth client '" + client.name() + "': " + field + " " + problem);
  }

  /** Decoded query parameters; a parameter given twice is refused (RFC 6749 §3.1). */
  static Map<String, String> query(@Nullable String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (params.putIfAbsent(key, value) != null) {
        throw new OAuthException("the redirect carries the parameter '" + key.replaceAll("\\p{Cntrl}", "?")
            + "' twice", "invalid_request", false, null);
      }
    }
    return params;
  }

  static URI uri(String text) {
    try {
      return URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new OAuthException("the device endpoint answered a verification URL that is not a URL", null, false, null);
    }
  }

  /** The S256 code challenge: BASE64URL(SHA-256(ASCII(verifier))), RFC 7636 §4.2. */
  static String challenge(String verifier) {
    try {
      return B64URL
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  static String minutes(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes") : seconds(d);
  }

  static String seconds(Duration d) {
    return d.toSeconds() % 60 == 0 && d.toSeconds() > 0 ? minutes(d) : d.toSeconds() + " s";
  }
}
