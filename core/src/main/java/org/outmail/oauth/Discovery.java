package org.outmail.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An authorization server's metadata, read once from its issuer: {@code
 * ISSUER/.well-known/openid-configuration} (OpenID Connect Discovery), else RFC 8414's {@code
 * https://HOST/.well-known/oauth-authorization-server/PATH}. Shared by a client and its copies
 * ({@link OAuthClient#withSubject}); a failed read is tried again on the next use.
 */
final class Discovery {
  /** What outmail reads of the metadata. */
  record Metadata(URI source, String issuer, @Nullable URI tokenEndpoint, @Nullable URI authorizeEndpoint,
      @Nullable URI deviceEndpoint,
      boolean issParameterSupported) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String clientName;
  private final URI issuer;
  private volatile @Nullable Metadata metadata;
  private @Nullable HttpClient fallback;

  Discovery(String clientName, URI issuer) {
    this.clientName = clientName;
    this.issuer = issuer;
  }

  URI issuer() {
    return issuer;
  }

  /**
   * The metadata, read with {@code http} the first time.
   *
   * @throws OAuthException naming the client and the URL: unreachable (transient), not found at
   *     either address, not metadata, or for another issuer
   */
  Metadata metadata(@Nullable HttpClient http) {
    Metadata m = metadata;
    if (m != null) {
      return m;
    }
    synchronized (this) {
      if (metadata == null) {
        metadata = read(http != null ? http : fallback());
      }
      return metadata;
    }
  }

  private HttpClient fallback() {
    if (fallback == null) {
      fallback = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
    }
    return fallback;
  }

  /** The issuer as text, without a trailing slash, as metadata URLs are built from it. */
  static String trimmed(URI issuer) {
    String s = issuer.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  static List<URI> addresses(URI issuer) {
    String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
    path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    URI oidc = URI.create(trimmed(issuer) + "/.well-known/openid-configuration");
    URI rfc8414 = URI
        .create(issuer.getScheme() + "://" + issuer.getRawAuthority() + "/.well-known/oauth-authorization-server"
            + path);
    return List.of(oidc, rfc8414);
  }

  private Metadata read(HttpClient http) {
    List<String> tried = new ArrayList<>();
    for (URI url : addresses(issuer)) {
      HttpResponse<String> response = get(http, url);
      if (response.statusCode() != 200) {
        tried.add(url + " (HTTP " + response.statusCode() + ")");
        continue;
      }
      Map<String, String> json = FlatJson.parse(response.body());
      if (json.isEmpty()) {
        throw fail("the metadata at " + url + " is not a JSON object");
      }
      String named = json.get("issuer");
      if (named == null || !trimmed(URI.create(named)).equals(trimmed(issuer))) {
        throw fail("the metadata at " + url + " names the issuer " + (named == null ? "(none)" : "'" + named + "'")
            + ", not " + issuer + " (RFC 8414 §3.3): check the client's issuer");
      }
      return new Metadata(url, named, endpoint(json, "token_endpoint", url),
          endpoint(json, "authorization_endpoint", url),
          endpoint(json, "device_authorization_endpoint", url),
          "true".equals(json.get("authorization_response_iss_parameter_supported")));
    }
    throw fail("no authorization server metadata at " + String.join(" or ", tried) + ": check the client's issuer, or"
        + " give its endpoints");
  }

  private @Nullable URI endpoint(Map<String, String> json, String member, URI url) {
    String text = json.get(member);
    if (text == null || text.isEmpty()) {
      return null;
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw fail("the metadata at " + url + " has a " + member + " that is not a URL");
    }
    String host = uri.getHost();
    boolean loopback = host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
    if (host == null
        || !("https".equalsIgnoreCase(uri.getScheme()) || ("http".equalsIgnoreCase(uri.getScheme()) && loopback))) {
      throw fail("the metadata at " + url + " has a " + member + " that is not an https URL: " + uri);
    }
    return uri;
  }

  private HttpResponse<String> get(HttpClient http, URI url) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Accept", "application/json").GET()
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 407) {
        ProxiedHttp.proxyAuthenticationRequired(http, url).ifPresent(why -> {
          throw fail("the authorization server metadata at " + url + " not reached: " + why);
        });
      }
      return response;
    } catch (IOException e) {
      ProxiedHttp.failure(http, url, e).ifPresent(f -> {
        throw new OAuthException("OAuth client '" + clientName + "': the authorization server metadata at " + url
            + " not reached: " + f.why(), null, f.isTransient(), e);
      });
      throw new OAuthException("OAuth client '" + clientName + "': the authorization server metadata at " + url
          + " is unreachable: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
          null, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OAuthException("interrupted while reading the metadata of OAuth client '" + clientName + "'", null,
          true, e);
    }
  }

  private OAuthException fail(String problem) {
    return new OAuthException("OAuth client '" + clientName + "': " + problem, null, false, null);
  }

  @Override
  public String toString() {
    return "Discovery[" + Objects.toString(issuer) + "]";
  }
}
