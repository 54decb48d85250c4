package org.outmail.owa;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.outmail.test.contract.ReceivedMail;

/**
 * Microsoft's token endpoint and Microsoft Graph, played by a {@link MockWebServer} on 127.0.0.1:
 * the client-credentials grant (checking the secret), {@code sendMail}, the user lookup, drafts,
 * upload sessions and sending a draft. Records every request; answers can be scripted per call.
 */
final class FakeGraph implements AutoCloseable {
  static final String TENANT = "contoso-test";
  static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";
  static final String SECRET = "s3cr3t~VALUE.that-must-never-leak";
  static final String USER = "desk@example.com";
  static final String DRAFT_ID = "AAMkDraft1";
  /** Graph refuses a request body over 4 MB with 413, as the real service does. */
  static final int REQUEST_LIMIT = 4_000_000;

  /** One request as the server saw it; the path is decoded, without the query. */
  record Call(String method, String path, String query, Headers headers, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return JsonParser.parseString(bodyText()).getAsJsonObject();
    }

    String header(String name) {
      return headers.get(name);
    }
  }

  private final MockWebServer server = new MockWebServer();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<MockResponse>> scripts = new LinkedHashMap<>();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private volatile MockResponse tokenAnswer;
  private volatile List<String> roles;

  FakeGraph() {
    this(null);
  }

  /**
   * A fake that speaks HTTPS with the test certificate for {@code localhost} and {@code 127.0.0.1}
   * ({@code src/test/resources/tls/localhost.p12}, signed by the test CA in {@code tls/ca.pem}).
   */
  static FakeGraph https() {
    try {
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      try (java.io.InputStream in = FakeGraph.class.getResourceAsStream("/tls/localhost.p12")) {
        keys.load(in, "changeit".toCharArray());
      }
      javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
          javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, "changeit".toCharArray());
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, null);
      return new FakeGraph(tls.getSocketFactory());
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the test certificate tls/localhost.p12", e);
    }
  }

  /** A fake that speaks HTTPS with the given server socket factory, or plain HTTP when it is null. */
  FakeGraph(javax.net.ssl.SSLSocketFactory https) {
    if (https != null) {
      server.useHttps(https, false);
    }
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(request);
      }
    });
    try {
      server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  /** The answers for the next calls of a method and path (e.g. {@code "POST", "/v1.0/users/desk@example.com/sendMail"}), in order; then the defaults. */
  synchronized FakeGraph script(String method, String path, MockResponse... answers) {
    Deque<MockResponse> q = scripts.computeIfAbsent(method + " " + path, k -> new ConcurrentLinkedDeque<>());
    q.addAll(List.of(answers));
    return this;
  }

  /**
   * Tokens are JWTs whose {@code roles} claim lists these application permissions (none: no claim),
   * instead of opaque strings.
   */
  void roles(String... granted) {
    this.roles = List.of(granted);
  }

  /** Every token request is answered with this instead of the secret check. */
  void tokenAnswer(MockResponse answer) {
    this.tokenAnswer = answer;
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<Call> calls(String method, String pathSuffix) {
    return calls.stream().filter(c -> c.method().equals(method) && c.path().endsWith(pathSuffix)).toList();
  }

  List<Call> graphCalls() {
    return calls.stream().filter(c -> !c.path().contains("/oauth2/")).toList();
  }

  int tokenRequests() {
    return (int) calls.stream().filter(c -> c.path().endsWith("/oauth2/v2.0/token")).count();
  }

  String uploadUrl() {
    return "http://127.0.0.1:" + port() + "/upload/session-1?authtoken=abc";
  }

  private MockResponse answer(RecordedRequest r) {
    URI uri = URI.create(r.getPath());
    String path = URLDecoder.decode(uri.getRawPath().replace("+", "%2B"), StandardCharsets.UTF_8);
    Call call = new Call(r.getMethod(), path, uri.getRawQuery(), r.getHeaders(), r.getBody().readByteArray());
    calls.add(call);
    if (path.startsWith("/v1.0/") && call.body().length > REQUEST_LIMIT) {
      return odataError(413, "RequestEntityTooLarge", "The request is larger than Graph accepts ("
          + call.body().length + " bytes, at most " + REQUEST_LIMIT + ")");
    }
    synchronized (this) {
      Deque<MockResponse> q = scripts.get(call.method() + " " + path);
      if (q != null && !q.isEmpty()) {
        return q.poll();
      }
    }
    return defaultAnswer(call);
  }

  private MockResponse defaultAnswer(Call c) {
    String user = "/v1.0/users/" + USER;
    String draft = user + "/messages/" + DRAFT_ID;
    if (c.path().equals("/" + TENANT + "/oauth2/v2.0/token")) {
      return token(c);
    }
    String key = c.method() + " " + c.path();
    if (key.matches("POST /v1\\.0/users/[^/]+/sendMail") || key.equals("POST " + draft + "/send")) {
      return new MockResponse().setResponseCode(202);
    } else if (key.equals("GET " + user)) {
      return json(200, "{\"id\":\"u-42\",\"mail\":\"" + USER + "\",\"userPrincipalName\":\"" + USER + "\"}");
    } else if (key.equals("POST " + user + "/messages")) {
      return json(201, "{\"id\":\"" + DRAFT_ID + "\",\"isDraft\":true}");
    } else if (key.equals("POST " + draft + "/attachments/createUploadSession")) {
      return json(201, "{\"uploadUrl\":\"" + uploadUrl()
          + "\",\"expirationDateTime\":\"2030-01-01T00:00:00Z\",\"nextExpectedRanges\":[\"0-\"]}");
    } else if (key.equals("POST " + draft + "/attachments")) {
      return json(201, "{\"@odata.type\":\"#microsoft.graph.fileAttachment\",\"id\":\"att-1\"}");
    } else if (key.equals("DELETE " + draft)) {
      return new MockResponse().setResponseCode(204);
    } else if (key.equals("PUT /upload/session-1")) {
      return uploadChunk(c);
    }
    return odataError(404, "ErrorInvalidUser", "The requested user '" + c.path() + "' is invalid.");
  }

  private MockResponse token(Call c) {
    MockResponse answer = tokenAnswerFor(c);
    String id = c.header("client-request-id");
    return id == null ? answer : answer.clone().setHeader("client-request-id", id);
  }

  private MockResponse tokenAnswerFor(Call c) {
    if (tokenAnswer != null) {
      return tokenAnswer;
    }
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : c.bodyText().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    if (!"client_credentials".equals(form.get("grant_type")) || !CLIENT_ID.equals(form.get("client_id"))) {
      return tokenError(400, "unauthorized_client",
          "AADSTS700016: Application with identifier '" + form.get("client_id")
              + "' was not found in the directory 'contoso-test'.");
    }
    if (!SECRET.equals(form.get("client_secret"))) {
      return tokenError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret being"
          + " sent in the request is the client secret value, not the client secret ID, for a secret added to app '"
          + CLIENT_ID + "'.");
    }
    int n = tokensIssued.incrementAndGet();
    String token = "token-" + n;
    List<String> granted = roles;
    if (granted != null) {
      java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
      String payload = "{\"aud\":\"https://graph.microsoft.com\",\"n\":" + n
          + (granted.isEmpty() ? ""
              : ",\"roles\":[" + String.join(",", granted.stream().map(r -> "\"" + r + "\"").toList()) + "]")
          + "}";
      token = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
          + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }
    return json(200,
        "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + token + "\"}");
  }

  static MockResponse tokenError(int status, String error, String description) {
    return json(status, "{\"error\":\"" + error + "\",\"error_description\":\"" + description
        + "\\r\\nTrace ID: 0000\\r\\nCorrelation ID: 1111\\r\\nTimestamp: 2026-01-01 00:00:00Z\",\"error_codes\":[1],"
        + "\"trace_id\":\"0000\",\"correlation_id\":\"1111\"}");
  }

  private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

  private static MockResponse uploadChunk(Call c) {
    Matcher m = RANGE.matcher(String.valueOf(c.header("Content-Range")));
    if (!m.matches()) {
      return json(400, "{\"error\":{\"code\":\"InvalidRange\",\"message\":\"bad Content-Range\"}}");
    }
    long last = Long.parseLong(m.group(2));
    long total = Long.parseLong(m.group(3));
    if (last + 1 == total) {
      return json(201, "{}");
    }
    return json(200,
        "{\"expirationDateTime\":\"2030-01-01T00:00:00Z\",\"nextExpectedRanges\":[\"" + (last + 1) + "-\"]}");
  }

  static MockResponse json(int status, String body) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
  }

  static MockResponse odataError(int status, String code, String message) {
    return json(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
  }

  /** The mails Graph was asked to send through {@code sendMail}, as the contract test reads them. */
  List<ReceivedMail> received() {
    List<ReceivedMail> out = new ArrayList<>();
    for (Call c : calls("POST", "/sendMail")) {
      if (c.body().length > 0) {
        out.add(toReceivedMail(c.json().getAsJsonObject("Message")));
      }
    }
    return out;
  }

  static ReceivedMail toReceivedMail(JsonObject msg) {
    List<String> to = addresses(msg, "toRecipients");
    List<String> cc = addresses(msg, "ccRecipients");
    List<String> bcc = addresses(msg, "bccRecipients");
    List<String> all = new ArrayList<>(to);
    all.addAll(cc);
    all.addAll(bcc);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("subject", str(msg, "subject"));
    headers.put("to", String.join(", ", to));
    if (!cc.isEmpty()) {
      headers.put("cc", String.join(", ", cc));
    }
    if (msg.has("internetMessageId")) {
      headers.put("message-id", str(msg, "internetMessageId"));
    }
    if (msg.has("internetMessageHeaders")) {
      for (JsonElement h : msg.getAsJsonArray("internetMessageHeaders")) {
        headers.put(str(h.getAsJsonObject(), "name").toLowerCase(Locale.ROOT), str(h.getAsJsonObject(), "value"));
      }
    }
    JsonObject body = msg.getAsJsonObject("body");
    boolean html = "html".equalsIgnoreCase(str(body, "contentType"));
    Map<String, byte[]> attachments = new LinkedHashMap<>();
    if (msg.has("attachments")) {
      for (JsonElement a : msg.getAsJsonArray("attachments")) {
        JsonObject o = a.getAsJsonObject();
        attachments.put(str(o, "name"), Base64.getDecoder().decode(str(o, "contentBytes")));
      }
    }
    JsonObject from = msg.getAsJsonObject("from").getAsJsonObject("emailAddress");
    return new ReceivedMail(all, str(from, "address"), str(from, "name"), to, cc, addresses(msg, "replyTo"),
        str(msg, "subject"), headers, html ? null : str(body, "content"), html ? str(body, "content") : null,
        attachments);
  }

  private static List<String> addresses(JsonObject msg, String key) {
    List<String> out = new ArrayList<>();
    JsonArray arr = msg.has(key) ? msg.getAsJsonArray(key) : new JsonArray();
    for (JsonElement r : arr) {
      out.add(str(r.getAsJsonObject().getAsJsonObject("emailAddress"), "address"));
    }
    return out;
  }

  static String str(JsonObject o, String key) {
    JsonElement e = o == null ? null : o.get(key);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }
}
