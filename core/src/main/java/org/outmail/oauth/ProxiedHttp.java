package org.outmail.oauth;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.outmail.ProxySettings;

/**
 * An OAuth client's HTTP proxy: HTTP clients like the ones outmail makes for the client's
 * endpoints (same TLS, same connect timeout, no redirects) but going through the proxy, one per
 * base client; and what a failure at the proxy means, in words that name the proxy, never its
 * credentials.
 */
final class ProxiedHttp {
  private static final Pattern TUNNEL = Pattern.compile("Tunnel failed, got: (\\d{3})");

  private final ProxySettings proxy;
  /** Weak: base clients come and go with mailboxes' TLS contexts. */
  private final Map<HttpClient, HttpClient> byBase = Collections.synchronizedMap(new WeakHashMap<>());

  ProxiedHttp(ProxySettings proxy) {
    this.proxy = proxy;
  }

  ProxySettings proxy() {
    return proxy;
  }

  HttpClient over(HttpClient base) {
    if (ProxySettings.of(base).isPresent()) {
      return base; // made here already
    }
    return byBase.computeIfAbsent(base, b -> {
      HttpClient.Builder builder = HttpClient.newBuilder()
          .connectTimeout(b.connectTimeout().orElse(Duration.ofSeconds(10)))
          .followRedirects(HttpClient.Redirect.NEVER)
          .sslContext(b.sslContext());
      return proxy.configure(builder).build();
    });
  }

  /**
   * What an answer of HTTP 407 means when it came from the proxy of {@code http}: the JDK hands a
   * refused CONNECT back as the response.
   *
   * @return the explanation, or empty when {@code http} has no proxy for the endpoint
   */
     /** A failure at the proxy: what it means, and whether trying again later may work. */
  record Failure(String why, boolean isTransient) {}

  static Optional<String> proxyAuthenticationRequired(HttpClient http, URI endpoint) {
    return ProxySettings.of(http).filter(p -> !p.bypasses(endpoint.getHost())).map(p -> "the proxy " + p
        + " asks for authentication (HTTP 407) to reach " + endpoint.getHost() + ": " + (p.user().isEmpty()
            ? "set the client's proxy-user and proxy-password"
            : ProxySettings.basicTunnelingDisabled() ? ProxySettings.basicTunnelingHint()
            : "it refused the client's proxy-user and proxy-password"));
  }

  /**
   * What an I/O failure means when it happened at the proxy of {@code http}: the proxy unreachable,
   * or its refusal of the tunnel (403: its rules; 502, 503, 504: it could not reach the endpoint).
   *
   * @return the explanation, or empty when the failure is not the proxy's
   */
  static Optional<Failure> failure(HttpClient http, URI endpoint, IOException e) {
    Optional<ProxySettings> proxy = ProxySettings.of(http).filter(p -> !p.bypasses(endpoint.getHost()));
    if (proxy.isEmpty()) {
      return Optional.empty();
    }
    ProxySettings p = proxy.get();
    String target = endpoint.getHost() + ":" + (endpoint.getPort() > 0 ? endpoint.getPort() : 443);
    Matcher m = TUNNEL.matcher(String.valueOf(e.getMessage()));
    if (m.find()) {
      int status = Integer.parseInt(m.group(1));
      String why = switch (status) {
        case 403 -> "refused to connect to " + target + " (HTTP 403: not allowed by the proxy's rules)";
        case 407 -> "asks for authentication (HTTP 407) to reach " + target + ": "
            + (p.user().isEmpty() ? "set the client's proxy-user and proxy-password"
                : "it refused the proxy-user and proxy-password");
        case 502, 504 -> "could not reach " + target + " (HTTP " + status + ")";
        default -> "refused to connect to " + target + " (HTTP " + status + ")";
      };
      return Optional.of(new Failure("the proxy " + p + " " + why, status != 407 && status != 403));
    }
    if (String.valueOf(e.getMessage()).startsWith("too many authentication attempts") && p.user().isPresent()) {
      // the JDK presented the credentials and the proxy answered 407 again each time
      return Optional
          .of(new Failure("the proxy " + p + " refused the client's proxy-user and proxy-password (HTTP 407)", false));
    }
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      return Optional.of(new Failure("the proxy " + p + " refused the connection (is it running?)", true));
    }
    if (e instanceof HttpConnectTimeoutException) {
      return Optional.of(new Failure("timed out connecting to the proxy " + p, true));
    }
    return Optional.empty();
  }
}
