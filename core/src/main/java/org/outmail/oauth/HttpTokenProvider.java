package org.outmail.oauth;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.outmail.Secret;

/**
 * outmail's own token client: the client-credentials, refresh-token (RFC 6749 §4.4, §6) and
 * JWT-bearer (RFC 7523, Google service accounts) grants over {@link HttpClient}, for any provider.
 * Saves a rotated refresh token in the store before it returns.
 */
final class HttpTokenProvider implements AccessTokenProvider {
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  /** How servers describe a refresh token presented again after it was rotated. */
  private static final java.util.regex.Pattern REPLAYED = java.util.regex.Pattern.compile(
      "rotated|reuse|replay|already (been )?used|used again|stale", java.util.regex.Pattern.CASE_INSENSITIVE);

  private final Duration connectTimeout;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Clock clock;
  /** One client per TLS context a mailbox asked for (its trust store); weak, as mailboxes come and go. */
  private final Map<SSLContext, HttpClient> byTls = Collections.synchronizedMap(new WeakHashMap<>());

  HttpTokenProvider(Duration connectTimeout, Duration requestTimeout) {
    this(connectTimeout, requestTimeout, Clock.systemUTC());
  }

  /** With the clock that dates tokens' expiry and assertions: the one {@link AccessTokens} checks expiry with. */
  HttpTokenProvider(Duration connectTimeout, Duration requestTimeout, Clock clock) {
    this.connectTimeout = connectTimeout;
    this.http = client(null);
    this.requestTimeout = requestTimeout;
    this.clock = clock;
  }

  private HttpClient client(@Nullable SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    return b.build();
  }

  @Override
  public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store, @Nullable SSLContext tls) {
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

  private AccessToken fetch(OAuthClient configured, List<String> scopes, TokenStore store, HttpClient direct) {
    HttpClient http = configured.http(direct); // through the client's proxy, if it has one
    OAuthClient client = configured.resolve(http);
    Map<String, String> form = new LinkedHashMap<>();
    List<Secret> hidden = new ArrayList<>();
    client.clientSecret().ifPresent(hidden::add);
    client.refreshToken().ifPresent(hidden::add);
    switch (client.grant()) {
      case CLIENT_CREDENTIALS -> form.put("grant_type", "client_credentials");
      case REFRESH_TOKEN -> {
        Secret refresh = store.load(client.name()).or(client::refreshToken)
            .orElseThrow(() -> new OAuthException(notValidated(client), null, false, null));
        hidden.add(refresh);
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refresh.value());
      }
      case JWT_BEARER -> {
        String subject = client.subject().orElseThrow(() -> new OAuthException("OAuth client '" + client.name()
            + "': the JWT-bearer grant needs the user to act for (the mailbox's user name or address)", null, false,
            null));
        // the builder requires a service account key for the JWT-bearer grant
        ServiceAccountKey key = Objects.requireNonNull(client.serviceAccount(), "serviceAccount == null");
        Secret assertion = Secret.of(key.assertion(subject, scopes, client.tokenEndpoint(), clock.instant()));
        hidden.add(assertion);
        form.put("grant_type", JWT_BEARER);
        form.put("assertion", assertion.value());
      }
    }
    TokenRequests.Answer answer;
    if (client.grant() != OAuthGrant.JWT_BEARER) {
      form.put("scope", String.join(" ", scopes));
      answer = TokenRequests.post(http, requestTimeout, client, "token endpoint", client.tokenEndpoint(), form, hidden);
    } else {
      answer = TokenRequests.post(http, requestTimeout, client.name(), "token endpoint", client.tokenEndpoint(), form,
          hidden);
    }
    if (answer.status() != 200 || answer.json().get("access_token") == null) {
      throw TokenRequests.refused(client.name(), "token endpoint", answer, hidden,
          hint(client, answer.error(), answer.json().get("error_description"), scopes));
    }
    String rotated = answer.json().get("refresh_token");
    if (client.grant() == OAuthGrant.REFRESH_TOKEN && rotated != null && !rotated.isEmpty()) {
      store.save(client.name(), Secret.of(rotated));
    }
    long expiresIn = TokenRequests.seconds(answer.json(), "expires_in", 3600);
    return new AccessToken(Secret.of(answer.json().get("access_token")), clock.instant().plusSeconds(expiresIn),
        TokenRequests.warnings(client, answer));
  }

  /** What to do about a refusal an administrator can fix; null when there is nothing to add. */
  private static @Nullable String hint(OAuthClient client, @Nullable String error, @Nullable String description,
      List<String> scopes) {
    if (client.grant() == OAuthGrant.REFRESH_TOKEN && "invalid_grant".equals(error)
        && description != null && REPLAYED.matcher(description).find()) {
      return "the refresh token was used already: it rotates on each use, and a host presented one another host had"
          + " rotated (two hosts sharing a copied token store); the server may have revoked the whole grant. Give the"
          + " hosts one shared token store (the JDBC token store) or a client each, then validate the client again ("
          + validateHow(client) + ")";
    }
    if (client.grant() == OAuthGrant.REFRESH_TOKEN && "invalid_grant".equals(error)) {
      return "the refresh token was revoked or has expired (consent withdrawn, password changed, unused for too long,"
          + " or rotated by another host holding a copy of the token store): validate the client again ("
          + validateHow(client) + ")";
    }
    if (client.grant() == OAuthGrant.JWT_BEARER && "unauthorized_client".equals(error)) {
      return "the service account may not act for users: in the Google Admin console (Security, API controls,"
          + " Domain-wide delegation) authorize client id " + client.clientId() + " for " + String.join(",", scopes);
    }
    if (client.grant() == OAuthGrant.JWT_BEARER && "invalid_grant".equals(error)) {
      return "check that the user " + client.subject().orElse("") + " exists in the Workspace domain and that the"
          + " service account key " + client.serviceAccountKey().map(Object::toString).orElse("") + " is still active";
    }
    return null;
  }

  static String notValidated(OAuthClient client) {
    return "OAuth client '" + client.name() + "' is not validated yet: " + validateHow(client);
  }

  private static String validateHow(OAuthClient client) {
    return "run 'outmail oauth validate " + client.name()
        + " --config FILE' or press Validate on the client in the console";
  }
}
