package org.outmail.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.outmail.Secret;

/**
 * One form POST to a token or device endpoint (RFC 6749 §3.2, RFC 8628 §3.1) and its JSON answer;
 * failures are {@link OAuthException}s with the provider's error code, the secrets sent masked.
 */
final class TokenRequests {
  /** An answer: the HTTP status and the top-level members of its JSON body. */
  record Answer(int status, Map<String, String> json) {
    @Nullable
    String error() {
      return json.get("error");
    }
  }

  private TokenRequests() {}

  /**
   * Posts the form.
   *
   * @param what the endpoint's role in messages ("token endpoint", "device endpoint")
   * @param hidden the secrets in the form, masked wherever an answer or error repeats them
   * @throws OAuthException (transient) if the endpoint cannot be reached
   */
  static Answer post(HttpClient http, Duration timeout, String clientName, String what, URI endpoint,
      Map<String, String> form, List<Secret> hidden) {
    return post(http, timeout, clientName, what, endpoint, form, null, hidden);
  }

  /**
   * Posts the form with the client's authentication (RFC 6749 §2.3.1): a public client adds its
   * {@code client_id}; a confidential one its id and secret in the form ({@code
   * client_secret_post}) or in an HTTP Basic header ({@code client_secret_basic}), as it is
   * configured. The token and the device authorization endpoints both authenticate the client (RFC
   * 8628 §3.1).
   */
  static Answer post(HttpClient http, Duration timeout, OAuthClient client, String what, URI endpoint,
      Map<String, String> form, List<Secret> hidden) {
    Map<String, String> authenticated = new LinkedHashMap<>(form);
    String authorization = null;
    Secret secret = client.clientSecret().orElse(null);
    if (secret == null) {
      authenticated.put("client_id", client.clientId());
    } else if (client.clientAuthentication() == ClientAuthentication.CLIENT_SECRET_BASIC) {
      String pair = enc(client.clientId()) + ":" + enc(secret.value());
      authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    } else {
      authenticated.put("client_id", client.clientId());
      authenticated.put("client_secret", secret.value());
    }
    return post(http, timeout, client.name(), what, endpoint, authenticated, authorization, hidden);
  }

  private static Answer post(HttpClient http, Duration timeout, String clientName, String what, URI endpoint,
      Map<String, String> form, @Nullable String authorization, List<Secret> hidden) {
    String body = form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpRequest request = builder.build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 407) {
        ProxiedHttp.proxyAuthenticationRequired(http, endpoint).ifPresent(why -> {
          throw new OAuthException(
              "OAuth client '" + clientName + "': " + what + " " + endpoint + " not reached: " + why,
              null, false, null);
        });
      }
      return new Answer(response.statusCode(), FlatJson.parse(response.body()));
    } catch (IOException e) {
      ProxiedHttp.failure(http, endpoint, e).ifPresent(f -> {
        throw new OAuthException(
            "OAuth client '" + clientName + "': " + what + " " + endpoint + " not reached: " + f.why(),
            null, f.isTransient(), null);
      });
      throw new OAuthException("OAuth client '" + clientName + "': " + what + " " + endpoint
          + " unreachable: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + Secret.redact(e.getMessage(), hidden)), null, true, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OAuthException("interrupted while asking the " + what + " of OAuth client '" + clientName + "'",
          null, true, e);
    }
  }

  /**
   * {@code OAuth client 'x': token endpoint answered HTTP 400 invalid_grant: first line of the
   * description}, then {@code hint} if not null.
   */
  static OAuthException refused(String clientName, String what, Answer answer, List<Secret> hidden,
      @Nullable String hint) {
    String error = Secret.redact(answer.error(), hidden);
    String description = Secret.redact(answer.json().get("error_description"), hidden);
    boolean transientFailure = answer.status() >= 500 || answer.status() == 429;
    return new OAuthException("OAuth client '" + clientName + "': " + what + " answered HTTP " + answer.status()
        + (error == null ? "" : " " + error) + (description == null ? "" : ": " + firstLine(description))
        + (hint == null ? "" : "; " + hint), error, transientFailure, null);
  }

  /** Refresh tokens that expire sooner than this are worth a warning. */
  static final Duration SHORT_REFRESH = Duration.ofDays(30);

  /**
   * What a successful token response says that an administrator should act on: a refresh token
   * that expires within {@link #SHORT_REFRESH} ({@code refresh_expires_in}; 0 means it does not
   * expire) lives only as long as the sign-in session on common servers.
   */
  static List<String> warnings(OAuthClient client, Answer answer) {
    long seconds = seconds(answer.json(), "refresh_expires_in", 0);
    if (client.grant() != OAuthGrant.REFRESH_TOKEN || seconds <= 0 || seconds >= SHORT_REFRESH.toSeconds()) {
      return List.of();
    }
    return List.of("OAuth client '" + client.name() + "': the refresh token expires in " + lifetime(seconds)
        + " (refresh_expires_in), so mail stops when it does: it is tied to the sign-in session; ask for the scope"
        + " offline_access (add it to the client's scopes), then validate the client again");
  }

  private static String lifetime(long seconds) {
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + (seconds == 86_400 ? " day" : " days");
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + (seconds == 3600 ? " hour" : " hours");
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + (seconds == 60 ? " minute" : " minutes");
    }
    return seconds + " s";
  }

  /** The first line of a provider's text, control characters made spaces. */
  static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.replaceAll("\\p{Cntrl}", " ").strip();
  }

  /** Seconds from a JSON number, or the default when absent or not a number. */
  static long seconds(Map<String, String> json, String name, long otherwise) {
    try {
      return json.get(name) == null ? otherwise : Long.parseLong(json.get(name));
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
