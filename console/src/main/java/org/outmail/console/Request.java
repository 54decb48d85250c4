package org.outmail.console;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One HTTP exchange: what was asked (path, query, form, cookies) and the ways to answer it. */
final class Request {
  /** The largest form the console reads. */
  static final int MAX_FORM_BYTES = 64 * 1024;
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final HttpExchange exchange;
  private final boolean secureCookies;
  private Map<String, String> form;

  Request(HttpExchange exchange, boolean secureCookies) {
    this.exchange = exchange;
    this.secureCookies = secureCookies;
  }

  String method() {
    return exchange.getRequestMethod();
  }

  String path() {
    return exchange.getRequestURI().getRawPath();
  }

  String remoteAddress() {
    return exchange.getRemoteAddress().getAddress().getHostAddress();
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  Map<String, String> query() {
    return decode(exchange.getRequestURI().getRawQuery());
  }

  /** The form posted ({@code application/x-www-form-urlencoded}); the first value of each name. */
  Map<String, String> form() throws IOException {
    if (form == null) {
      try (InputStream in = exchange.getRequestBody()) {
        byte[] body = in.readNBytes(MAX_FORM_BYTES + 1);
        if (body.length > MAX_FORM_BYTES) {
          throw new IOException("form larger than " + MAX_FORM_BYTES + " bytes");
        }
        form = decode(new String(body, StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  Optional<String> cookie(String name) {
    List<String> headers = exchange.getRequestHeaders().getOrDefault("Cookie", List.of());
    for (String header : headers) {
      for (String part : header.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
          return Optional.of(part.substring(eq + 1).strip());
        }
      }
    }
    return Optional.empty();
  }

  /** Sets a cookie that scripts cannot read and other sites never send. */
  void setCookie(String name, String value, long maxAgeSeconds) {
    exchange.getResponseHeaders().add("Set-Cookie", name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict"
        + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "") + (secureCookies ? "; Secure" : ""));
  }

  void html(int status, String page) throws IOException {
    send(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  void text(int status, String message) throws IOException {
    send(status, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8));
  }

  /** 303 See Other: the browser follows with a GET, so a reload never posts twice. */
  void redirect(String location) throws IOException {
    securityHeaders();
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(303, -1);
    exchange.close();
  }

  void send(int status, String contentType, byte[] body) throws IOException {
    securityHeaders();
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  private void securityHeaders() {
    var h = exchange.getResponseHeaders();
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cache-Control", "no-store");
  }

  static Map<String, String> decode(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(name, value);
    }
    return out;
  }
}
