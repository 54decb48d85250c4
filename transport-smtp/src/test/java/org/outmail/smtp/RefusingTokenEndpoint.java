package org.outmail.smtp;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.Secret;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;

/**
 * An OAuth token endpoint on 127.0.0.1 that refuses every client, as an identity provider does a
 * wrong client secret: {@code 401 invalid_client}. Counts the requests it got.
 */
final class RefusingTokenEndpoint implements AutoCloseable {
  static final String SECRET = "wrong~client.secret-0042";

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  RefusingTokenEndpoint() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/token", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      byte[] body = ("{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed: unknown client"
          + " or wrong secret.\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(401, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  /** A GENERIC client of this endpoint, with the SMTP scope of a made-up provider and a secret the endpoint refuses. */
  OAuthClient client() {
    return OAuthClient.builder("idp")
        .provider(OAuthProvider.GENERIC)
        .tokenEndpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token"))
        .clientId("desk-app")
        .clientSecret(Secret.of(SECRET))
        .scopes("https://mail.example.com/smtp")
        .build();
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
