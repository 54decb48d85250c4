package org.outmail.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP exchange: what was asked (path within the console, query, form, cookies) and the ways to
 * answer it. Paths the console writes into pages and redirects are prefixed with {@link #base()},
 * where the host mounted it ({@code /admin/mail}), or nothing when it runs on its own server.
 */
final class Request {
  /** The largest form the console reads. */
  static final int MAX_FORM_BYTES = 64 * 1024;
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  /** A form or query that is not valid URL encoding, such as {@code %zz}: answered 400. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final boolean secureCookies;
  private final String base;
  private @Nullable Map<String, String> form;
  /** The host's CSRF token for this request, when the host checks CSRF; else null. */
  @Nullable String hostCsrf;

  Request(HttpServletRequest request, HttpServletResponse response, boolean secureCookies) {
    this.request = request;
    this.response = response;
    this.secureCookies = secureCookies;
    this.base = request.getContextPath() + request.getServletPath();
  }

  String method() {
    return request.getMethod();
  }

  /** {@return the path within the console, from {@code /}, still URL-encoded} */
  String path() {
    String uri = request.getRequestURI();
    String rest = uri.startsWith(base) ? uri.substring(base.length()) : uri;
    return rest.isEmpty() ? "/" : rest;
  }

  /** {@return where the console is mounted: {@code ""} on its own server, {@code /admin/mail} in a host} */
  String base() {
    return base;
  }

  String remoteAddress() {
    return request.getRemoteAddr();
  }

  /** {@return the user the host's authentication let in, if the host names one} */
  Optional<String> remoteUser() {
    return Optional.ofNullable(request.getRemoteUser());
  }

  boolean secure() {
    return request.isSecure();
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeader(name));
  }

  /** {@return the query as sent, still URL-encoded, or empty} */
  String rawQuery() {
    return request.getQueryString() == null ? "" : request.getQueryString();
  }

  /** {@return {@code https} or {@code http}, as the request came to the server} */
  String scheme() {
    return request.getScheme();
  }

  Map<String, String> query() {
    return decode(request.getQueryString());
  }

  /**
   * The form posted ({@code application/x-www-form-urlencoded}); the first value of each name. When
   * a filter of the host read the body before the console, the container's parameters are used.
   *
   * @throws BadRequest if it is not valid URL encoding or larger than {@link #MAX_FORM_BYTES}
   */
  Map<String, String> form() throws IOException {
    if (form == null) {
      byte[] body;
      try (InputStream in = request.getInputStream()) {
        body = in.readNBytes(MAX_FORM_BYTES + 1);
      }
      if (body.length > MAX_FORM_BYTES) {
        throw new BadRequest("Bad request: the form is larger than " + MAX_FORM_BYTES / 1024 + " KiB.");
      }
      if (body.length == 0) {
        form = new LinkedHashMap<>();
        Enumeration<String> names = request.getParameterNames();
        while (names.hasMoreElements()) {
          String name = names.nextElement();
          form.put(name, request.getParameter(name));
        }
      } else {
        form = decode(new String(body, StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  Optional<String> cookie(String name) {
    String header = request.getHeader("Cookie");
    if (header == null) {
      return Optional.empty();
    }
    for (Enumeration<String> headers = request.getHeaders("Cookie"); headers.hasMoreElements();) {
      for (String part : headers.nextElement().split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
          return Optional.of(part.substring(eq + 1).strip());
        }
      }
    }
    return Optional.empty();
  }

  /** Sets a cookie that scripts cannot read and other sites never send, for the console's paths only. */
  void setCookie(String name, String value, long maxAgeSeconds) {
    response.addHeader("Set-Cookie", name + "=" + value + "; Path=" + (base.isEmpty() ? "/" : base)
        + "; HttpOnly; SameSite=Strict" + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "")
        + (secureCookies ? "; Secure" : ""));
  }

  void html(int status, String page) throws IOException {
    send(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  void text(int status, String message) throws IOException {
    send(status, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * 303 See Other: the browser follows with a GET, so a reload never posts twice.
   *
   * @param path a path within the console, from {@code /}
   */
  void redirect(String path) {
    securityHeaders();
    response.setStatus(303);
    response.setHeader("Location", base + path);
  }

  void send(int status, String contentType, byte[] body) throws IOException {
    securityHeaders();
    response.setStatus(status);
    response.setContentType(contentType);
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    }
  }

  private void securityHeaders() {
    response.setHeader("Content-Security-Policy", CSP);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cache-Control", "no-store");
  }

  /**
   * Decodes {@code application/x-www-form-urlencoded} text.
   *
   * @throws BadRequest for an escape that is not two hexadecimal digits
   */
  static Map<String, String> decode(@Nullable String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    try {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.putIfAbsent(name, value);
      }
    } catch (IllegalArgumentException e) {
      throw new BadRequest("Bad request: the form or query is not valid URL encoding.");
    }
    return out;
  }
}
