package org.outmail.owa;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * msal4j refuses {@code http} authorities, so the tests keep an {@code https} authority and give
 * msal4j this client: it sends each request, path and query unchanged, to a server on
 * 127.0.0.1 over plain http, and remembers the URLs msal4j asked for.
 */
final class LoopbackMsalHttpClient implements IHttpClient {
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
    return MsalHttp.send(http, request, target, Duration.ofSeconds(10));
  }
}
