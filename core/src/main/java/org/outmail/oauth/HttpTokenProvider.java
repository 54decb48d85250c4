package org.outmail.oauth;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.outmail.Secret;

/**
 * outmail's own token client: the client-credentials and refresh-token grants (RFC 6749 §4.4,
 * §6) over {@link HttpClient}, for any provider. Saves a rotated refresh token in the store.
 */
final class HttpTokenProvider implements AccessTokenProvider {
  private final Duration connectTimeout;
  private final HttpClient http;
  private final Duration requestTimeout;
  /** One client per TLS context a mailbox asked for (its trust store); weak, as mailboxes come and go. */
  private final Map<SSLContext, HttpClient> byTls = Collections.synchronizedMap(new WeakHashMap<>());

  HttpTokenProvider(Duration connectTimeout, Duration requestTimeout) {
    this.connectTimeout = connectTimeout;
    this.http = client(null);
    this.requestTimeout = requestTimeout;
  }

  private HttpClient client(SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    return b.build();
  }

  @Override
  public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store, SSLContext tls) {
    return fetch(client, scopes, store, tls == null ? http : byTls.computeIfAbsent(tls, this::client));
  }

  @Override
  public boolean supports(OAuthClient client) {
    return true;
  }

  @Override
  public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store) {
    return fetch(client, scopes, store, http);
  }

  private AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store, HttpClient http) {
    Map<String, String> form = new LinkedHashMap<>();
    List<Secret> hidden = new ArrayList<>();
    client.clientSecret().ifPresent(hidden::add);
    client.refreshToken().ifPresent(hidden::add);
    if (client.grant() == OAuthGrant.CLIENT_CREDENTIALS) {
      form.put("grant_type", "client_credentials");
    } else {
      Secret refresh = store.load(client.name()).or(client::refreshToken)
          .orElseThrow(() -> new OAuthException("OAuth client '" + client.name() + "' has no refresh token", null, false, null));
      hidden.add(refresh);
      form.put("grant_type", "refresh_token");
      form.put("refresh_token", refresh.value());
    }
    form.put("client_id", client.clientId());
    client.clientSecret().ifPresent(s -> form.put("client_secret", s.value()));
    form.put("scope", String.join(" ", scopes));
    String body = form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(client.tokenEndpoint())
        .timeout(requestTimeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new OAuthException("OAuth client '" + client.name() + "': token endpoint " + client.tokenEndpoint()
          + " unreachable: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + Secret.redact(e.getMessage(), hidden)), null, true, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OAuthException("interrupted while fetching a token for OAuth client '" + client.name() + "'", null, true, e);
    }
    Map<String, String> json = FlatJson.parse(response.body());
    if (response.statusCode() != 200 || json.get("access_token") == null) {
      String error = Secret.redact(json.get("error"), hidden);
      String description = Secret.redact(json.get("error_description"), hidden);
      boolean transientFailure = response.statusCode() >= 500 || response.statusCode() == 429;
      throw new OAuthException("OAuth client '" + client.name() + "': token endpoint answered HTTP " + response.statusCode()
          + (error == null ? "" : " " + error) + (description == null ? "" : ": " + firstLine(description)),
          error, transientFailure, null);
    }
    long expiresIn = 3600;
    try {
      if (json.get("expires_in") != null) {
        expiresIn = Long.parseLong(json.get("expires_in"));
      }
    } catch (NumberFormatException ignored) {
      // keep the default
    }
    String rotated = json.get("refresh_token");
    if (client.grant() == OAuthGrant.REFRESH_TOKEN && rotated != null && !rotated.isEmpty()) {
      store.save(client.name(), Secret.of(rotated));
    }
    return new AccessToken(Secret.of(json.get("access_token")), Instant.now().plusSeconds(expiresIn));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.replaceAll("\\p{Cntrl}", " ").strip();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
