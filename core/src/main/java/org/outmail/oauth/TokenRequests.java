package org.outmail.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.outmail.Secret;

/**
 * One form POST to a token or device endpoint (RFC 6749 §3.2, RFC 8628 §3.1) and its JSON answer;
 * failures are {@link OAuthException}s with the provider's error code, the secrets sent masked.
 */
final class TokenRequests {
  /** An answer: the HTTP status and the top-level members of its JSON body. */
  record Answer(int status, Map<String, String> json) {
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
    String body = form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), FlatJson.parse(response.body()));
    } catch (IOException e) {
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
  static OAuthException refused(String clientName, String what, Answer answer, List<Secret> hidden, String hint) {
    String error = Secret.redact(answer.error(), hidden);
    String description = Secret.redact(answer.json().get("error_description"), hidden);
    boolean transientFailure = answer.status() >= 500 || answer.status() == 429;
    return new OAuthException("OAuth client '" + clientName + "': " + what + " answered HTTP " + answer.status()
        + (error == null ? "" : " " + error) + (description == null ? "" : ": " + firstLine(description))
        + (hint == null ? "" : "; " + hint), error, transientFailure, null);
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
