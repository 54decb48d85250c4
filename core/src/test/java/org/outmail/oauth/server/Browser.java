package org.outmail.oauth.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The administrator's browser: {@link java.net.http.HttpClient} following redirects one at a time,
 * so that a test sees where the authorization server sends it.
 */
public final class Browser {
  private final HttpClient http;

  /** A browser that trusts the JDK's roots. */
  public Browser() {
    this(null);
  }

  /** A browser that trusts what {@code tls} trusts (a private CA). */
  public Browser(javax.net.ssl.SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      b.sslContext(tls);
    }
    http = b.build();
  }

  /** Opens a URL and returns the answer as it is (a redirect is not followed). */
  public HttpResponse<String> open(URI uri) {
    if (!"127.0.0.1".equals(uri.getHost())) {
      throw new IllegalArgumentException("tests stay on 127.0.0.1, not " + uri);
    }
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens the authorization URL (the user is signed in and consents at once) and returns where the
   * server redirects to: the host's callback with the code and state, or with an error.
   *
   * @throws AssertionError if the server does not redirect (it shows a page for a bad client or redirect URI)
   */
  public URI signIn(URI authorizationUri) {
    HttpResponse<String> r = open(authorizationUri);
    if (r.statusCode() != 302) {
      throw new AssertionError("the authorization server answered HTTP " + r.statusCode() + ": " + r.body());
    }
    return URI.create(r.headers().firstValue("Location").orElseThrow());
  }
}
