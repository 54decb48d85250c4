package org.outmail.owa;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * msal4j refuses {@code http} authorities, so the tests keep an {@code https} authority and give
 * msal4j this client: it sends each request, path and query unchanged, to a server on
 * 127.0.0.1 over plain http, and remembers the URLs msal4j asked for.
 */
final class LoopbackMsalHttpClient implements IHttpClient {
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "host", "expect", "upgrade");

  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<URL> asked = new CopyOnWriteArrayList<>();

  LoopbackMsalHttpClient(int port) {
    this.port = port;
  }

  @Override
  public IHttpResponse send(HttpRequest request) throws Exception {
    asked.add(request.url());
    URL url = request.url();
    URI target = URI.create("http://127.0.0.1:" + port + url.getFile());
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10));
    if (request.headers() != null) {
      request.headers().forEach((k, v) -> {
        if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
          b.header(k, v);
        }
      });
    }
    switch (request.httpMethod()) {
      case GET -> b.GET();
      case POST -> b.POST(java.net.http.HttpRequest.BodyPublishers.ofString(request.body() == null ? "" : request.body()));
      default -> throw new IllegalArgumentException("unexpected method " + request.httpMethod());
    }
    java.net.http.HttpResponse<String> r = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    HttpResponse out = new HttpResponse();
    out.statusCode(r.statusCode());
    out.body(r.body());
    out.addHeaders(Map.copyOf(r.headers().map()));
    return out;
  }
}
