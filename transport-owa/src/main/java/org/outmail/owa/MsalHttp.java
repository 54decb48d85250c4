package org.outmail.owa;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.outmail.Secret;
import org.outmail.ProxySettings;

/**
 * The HTTP clients outmail gives msal4j. msal4j logs a token endpoint's error text itself (at WARN,
 * e.g. {@code AADSTS7000215: Invalid client secret provided: <the secret>}), so the secret must be
 * gone from the response before msal4j reads it: {@link #redacting} masks it in every body and
 * header. {@link #jdk} replaces msal4j's default client so that the mailbox's TLS trust and finite
 * timeouts apply.
 */
final class MsalHttp {
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "host", "expect", "upgrade");

  private MsalHttp() {}

  /**
   * A client on the JDK's {@link HttpClient}, connecting with {@code tls} (or the JDK's default),
   * through the OAuth client's proxy when it has one.
   */
  static IHttpClient jdk(@Nullable SSLContext tls, @Nullable ProxySettings proxy, Duration connectTimeout,
      Duration readTimeout) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    if (proxy != null) {
      proxy.configure(b);
    }
    HttpClient http = b.build();
    return request -> {
      IHttpResponse r = send(http, request, readTimeout);
      if (r.statusCode() == 407 && proxy != null) {
        // the JDK hands a refused CONNECT back as the answer: say whose it is
        throw new java.io.IOException("the proxy " + proxy + " asks for authentication (HTTP 407): "
            + (proxy.user().isEmpty() ? "set the OAuth client's proxy-user and proxy-password"
                : ProxySettings.basicTunnelingDisabled()
                    ? ProxySettings.basicTunnelingHint()
                : "it refused the client's proxy-user and proxy-password"));
      }
      return r;
    };
  }

  private static IHttpResponse send(HttpClient http, HttpRequest request, Duration timeout) throws Exception {
    try {
      return send(http, request, request.url().toURI(), timeout);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + request.url(), e);
    }
  }

  /** Sends msal4j's request to {@code target} (its own URL, or another for a test) and reads the answer. */
  static IHttpResponse send(HttpClient http, HttpRequest request, java.net.URI target, Duration timeout)
      throws Exception {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(target).timeout(timeout);
    if (request.headers() != null) {
      request.headers().forEach((k, v) -> {
        if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
          b.header(k, v);
        }
      });
    }
    switch (request.httpMethod()) {
      case GET -> b.GET();
      case POST ->
        b.POST(java.net.http.HttpRequest.BodyPublishers.ofString(request.body() == null ? "" : request.body()));
      default -> throw new IllegalArgumentException("unexpected method " + request.httpMethod());
    }
    java.net.http.HttpResponse<String> r = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    HttpResponse out = new HttpResponse();
    out.statusCode(r.statusCode());
    out.body(r.body());
    out.addHeaders(Map.copyOf(r.headers().map()));
    return out;
  }

  /** The client, with the secret masked in every response before msal4j sees it. */
  static IHttpClient redacting(IHttpClient delegate, Secret secret) {
    List<Secret> hidden = List.of(secret);
    return request -> {
      IHttpResponse r = delegate.send(request);
      HttpResponse out = new HttpResponse();
      out.statusCode(r.statusCode());
      out.body(Secret.redact(r.body(), hidden));
      Map<String, List<String>> headers = new LinkedHashMap<>();
      if (r.headers() != null) {
        r.headers().forEach(
            (k, v) -> headers.put(k, v == null ? null : v.stream().map(x -> Secret.redact(x, hidden)).toList()));
      }
      out.addHeaders(headers);
      return out;
    };
  }
}
