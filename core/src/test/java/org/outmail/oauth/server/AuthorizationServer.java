package org.outmail.oauth.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A small but real OAuth 2.0 authorization server on 127.0.0.1 for tests, strict where a client
 * can go wrong. It shares no code with outmail's client.
 *
 * <ul>
 *   <li>{@code .../authorize} (RFC 6749 §4.1, RFC 7636): checks the client id and the redirect URI
 *       (exact, or a loopback one on any port, RFC 8252 §7.3) and answers a bad one with a page,
 *       never a redirect; requires {@code state} and an S256 {@code code_challenge}; signs in {@link
 *       #signIn the current user} and redirects with a code, or with the error {@link
 *       #refuseNextSignIn} set.
 *   <li>{@code .../token}: client authentication (secret when registered with one, by HTTP Basic or
 *       in the form, none for a public client); the authorization code grant (single-use codes, same client and redirect
 *       URI, PKCE verifier checked); refresh tokens (issued with {@code offline_access} or {@code
 *       access_type=offline}, rotated on each use, a rotated or revoked one refused with {@code
 *       invalid_grant}); the device code grant (RFC 8628: {@code authorization_pending}, {@code
 *       slow_down}, {@code access_denied}, {@code expired_token}); the JWT-bearer grant (RFC 7523:
 *       RS256 signature by a registered service account, {@code iss}, {@code sub} delegated, {@code
 *       aud} this token endpoint, {@code exp} and {@code iat}, scopes authorized for delegation).
 *   <li>{@code .../devicecode} authenticates the client as the token endpoint does (RFC 8628
 *       §3.1) and issues device and user codes; {@code /device?user_code=X&consent=yes}
 *       is the page where the signed-in user approves ({@code no}: declines).
 * </ul>
 *
 * <p>Paths are matched on their last segment, so Microsoft-shaped endpoints ({@link #authority()}
 * {@code oauth2/v2.0/token}) and plain ones ({@link #tokenEndpoint()}) both work.
 */
public final class AuthorizationServer implements AutoCloseable {
  /** The tenant in {@link #authority()}. */
  public static final String TENANT = "contoso-test";
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  private static final String JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** An access token as issued: to whom, for which client and scopes, until when. */
  public record Grant(String clientId, String user, Set<String> scopes, Instant expiresAt) {}

  private record Client(String id, String secret, List<URI> redirectUris) {}

  private record ServiceAccount(String email, PublicKey key, Set<String> users, Set<String> scopes) {}

  private record Code(String clientId, URI redirectUri, String challenge, Set<String> scopes, String user,
      boolean offline, Instant expiresAt) {}

  private enum RefreshState { ACTIVE, ROTATED, REVOKED }

  private static final class Refresh {
    final String clientId;
    final String user;
    final Set<String> scopes;
    final String family;
    volatile RefreshState state = RefreshState.ACTIVE;

    Refresh(String clientId, String user, Set<String> scopes, String family) {
      this.clientId = clientId;
      this.user = user;
      this.scopes = scopes;
      this.family = family;
    }
  }

  private static final class Device {
    final String clientId;
    final Set<String> scopes;
    final String userCode;
    final Instant expiresAt;
    final String challenge;
    volatile String approvedBy;
    volatile boolean declined;
    volatile boolean redeemed;
    volatile boolean expired;

    Device(String clientId, Set<String> scopes, String userCode, Instant expiresAt, String challenge) {
      this.clientId = clientId;
      this.challenge = challenge;
      this.scopes = scopes;
      this.userCode = userCode;
      this.expiresAt = expiresAt;
    }
  }

  private final HttpServer http;
  private final String scheme;
  private final ExecutorService executor;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Client> clients = new ConcurrentHashMap<>();
  private final Map<String, ServiceAccount> serviceAccounts = new ConcurrentHashMap<>();
  private final Map<String, Code> codes = new ConcurrentHashMap<>();
  private final Set<String> redeemedCodes = ConcurrentHashMap.newKeySet();
  private final Map<String, Refresh> refreshTokens = new ConcurrentHashMap<>();
  private final Map<String, Grant> accessTokens = new ConcurrentHashMap<>();
  private final Map<String, Device> devices = new ConcurrentHashMap<>();
  private final Map<String, String> deviceCodeByUserCode = new ConcurrentHashMap<>();
  private final List<Map<String, String>> authorizeRequests = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> deviceRequests = new CopyOnWriteArrayList<>();
  private final List<String> clientAuthentications = new CopyOnWriteArrayList<>();
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private final Set<String> pkceRequired = ConcurrentHashMap.newKeySet();
  private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger slowDowns = new AtomicInteger();
  private final AtomicInteger devicePolls = new AtomicInteger();
  private final List<String> metadataRequests = new CopyOnWriteArrayList<>();
  private volatile String metadataAt = "openid-configuration";
  private volatile String metadataIssuer;
  private volatile String issInRedirect;
  private volatile String user = "admin@contoso.example";
  private volatile String[] refusal;
  private volatile long accessTokenSeconds = 3600;
  private volatile long refreshExpiresIn = -1;
  private volatile int deviceInterval = 5;
  private volatile Clock clock = Clock.systemUTC();

  private AuthorizationServer(javax.net.ssl.SSLContext tls) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
    if (tls == null) {
      http = HttpServer.create(address, 0);
    } else {
      com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
      http = https;
    }
    scheme = tls == null ? "http" : "https";
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "authorization-server");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.createContext("/", this::handle);
    http.start();
  }

  /** Starts a server on a free port of 127.0.0.1. */
  public static AuthorizationServer start() {
    return start(null);
  }

  /**
   * Starts a server on a free port of 127.0.0.1 that speaks HTTPS with this TLS context (its key and
   * certificate), as an identity provider with a private CA does.
   */
  public static AuthorizationServer start(javax.net.ssl.SSLContext tls) {
    try {
      return new AuthorizationServer(tls);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the authorization server", e);
    }
  }

  /** {@return {@code http://127.0.0.1:PORT/}, or https when started so} */
  public URI base() {
    return URI.create(scheme + "://127.0.0.1:" + http.getAddress().getPort() + "/");
  }

  /** {@return a Microsoft-shaped authority: {@code http://127.0.0.1:PORT/contoso-test/}} */
  public URI authority() {
    return base().resolve(TENANT + "/");
  }

  /** {@return the issuer identifier: {@code http://127.0.0.1:PORT/realm}} */
  public URI issuer() {
    return base().resolve("realm");
  }

  /**
   * Where the metadata is served: {@code openid-configuration} (the default, at {@code
   * ISSUER/.well-known/openid-configuration}), {@code oauth-authorization-server} (RFC 8414, at
   * {@code /.well-known/oauth-authorization-server/realm}) or {@code none}.
   */
  public AuthorizationServer metadataAt(String where) {
    this.metadataAt = where;
    return this;
  }

  /** The metadata names this issuer instead of {@link #issuer()}. */
  public AuthorizationServer metadataIssuer(String issuer) {
    this.metadataIssuer = issuer;
    return this;
  }

  /**
   * Redirects carry {@code iss} with this value (RFC 9207), and the metadata says so; null (the
   * default) for none.
   */
  public AuthorizationServer issInRedirect(String iss) {
    this.issInRedirect = iss;
    return this;
  }

  /** {@return the path of every metadata request, in order} */
  public List<String> metadataRequests() {
    return List.copyOf(metadataRequests);
  }

  /** {@return {@code http://127.0.0.1:PORT/authorize}} */
  public URI authorizeEndpoint() {
    return base().resolve("authorize");
  }

  /** {@return {@code http://127.0.0.1:PORT/token}} */
  public URI tokenEndpoint() {
    return base().resolve("token");
  }

  /** {@return {@code http://127.0.0.1:PORT/devicecode}} */
  public URI deviceEndpoint() {
    return base().resolve("devicecode");
  }

  /** Registers a client; {@code secret} null for a public client, which must then send none. */
  public AuthorizationServer registerClient(String clientId, String secret, String... redirectUris) {
    List<URI> uris = new ArrayList<>();
    for (String u : redirectUris) {
      uris.add(URI.create(u));
    }
    clients.put(clientId, new Client(clientId, secret, List.copyOf(uris)));
    if (secret != null) {
      secrets.add(secret);
    }
    return this;
  }

  /**
   * Registers a service account: its public key, the users it may act for (domain-wide
   * delegation) and the scopes delegation authorizes.
   */
  public AuthorizationServer registerServiceAccount(String email, PublicKey key, Set<String> users,
      Set<String> scopes) {
    serviceAccounts.put(email, new ServiceAccount(email, key, Set.copyOf(users), Set.copyOf(scopes)));
    return this;
  }

  /**
   * The client must send a PKCE challenge with its device authorization request too (as some servers
   * require of a client that requires PKCE), and the verifier when it polls.
   */
  public AuthorizationServer requirePkce(String clientId) {
    pkceRequired.add(clientId);
    return this;
  }

  /** The user the browser is signed in as; consent is given at once. */
  public AuthorizationServer signIn(String user) {
    this.user = user;
    return this;
  }

  /** The next sign-in redirects back with this error instead of a code. */
  public AuthorizationServer refuseNextSignIn(String error, String description) {
    this.refusal = new String[] {error, description};
    return this;
  }

  /** How long access tokens are valid. */
  public AuthorizationServer accessTokenSeconds(long seconds) {
    this.accessTokenSeconds = seconds;
    return this;
  }

  /**
   * Token responses that carry a refresh token say it expires in this many seconds ({@code
   * refresh_expires_in}, as Keycloak does for a refresh token tied to the sign-in session); negative
   * (the default) for none.
   */
  public AuthorizationServer refreshExpiresIn(long seconds) {
    this.refreshExpiresIn = seconds;
    return this;
  }

  /** The polling interval the device endpoint asks for. */
  public AuthorizationServer deviceInterval(int seconds) {
    this.deviceInterval = seconds;
    return this;
  }

  /** The next {@code polls} device code polls are answered {@code slow_down}. */
  public AuthorizationServer slowDownNextPolls(int polls) {
    slowDowns.set(polls);
    return this;
  }

  /** The clock expiry is checked with (of codes, assertions and access tokens). */
  public AuthorizationServer clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Revokes every refresh token of the client, as a user withdrawing consent does. */
  public void revokeRefreshTokens(String clientId) {
    refreshTokens.values().stream().filter(r -> r.clientId.equals(clientId))
        .forEach(r -> r.state = RefreshState.REVOKED);
  }

  /** Every device code issued so far expires now. */
  public void expireDeviceCodes() {
    devices.values().forEach(d -> d.expired = true);
  }

  /** Called with the user and the token each time an access token is issued (an SMTP server's user database). */
  public void onAccessToken(BiConsumer<String, String> listener) {
    listeners.add(listener);
  }

  /** The grant of a valid access token: what a resource server asks. */
  public Optional<Grant> introspect(String accessToken) {
    Grant g = accessTokens.get(accessToken);
    return g == null || !clock.instant().isBefore(g.expiresAt()) ? Optional.empty() : Optional.of(g);
  }

  /** Whether the refresh token was issued and is still the one to use. */
  public boolean isActiveRefreshToken(String refreshToken) {
    Refresh r = refreshTokens.get(refreshToken);
    return r != null && r.state == RefreshState.ACTIVE;
  }

  /** {@return the query parameters of every authorization request, in order} */
  public List<Map<String, String>> authorizeRequests() {
    return List.copyOf(authorizeRequests);
  }

  /** {@return the form of every token request, in order} */
  public List<Map<String, String>> tokenRequests() {
    return List.copyOf(tokenRequests);
  }

  /** {@return the form of every device authorization request, in order} */
  public List<Map<String, String>> deviceRequests() {
    return List.copyOf(deviceRequests);
  }

  /**
   * {@return how the client authenticated at each token and device request, in order: {@code
   * client_secret_basic}, {@code client_secret_post} or {@code none}}
   */
  public List<String> clientAuthentications() {
    return List.copyOf(clientAuthentications);
  }

  /** {@return how often the device code was polled} */
  public int devicePolls() {
    return devicePolls.get();
  }

  /** {@return every code, token and client secret this server issued or knows: none may ever be printed} */
  public Set<String> secrets() {
    return Set.copyOf(secrets);
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String last = path.substring(path.lastIndexOf('/') + 1);
      String method = exchange.getRequestMethod();
      if (path.contains("/.well-known/")) {
        metadata(exchange, path);
        return;
      }
      switch (last) {
        case "authorize" -> {
          if (!method.equals("GET")) {
            page(exchange, 405, "GET only");
            return;
          }
          authorize(exchange, query(exchange.getRequestURI().getRawQuery()));
        }
        case "token" -> {
          if (!method.equals("POST")) {
            page(exchange, 405, "POST only");
            return;
          }
          token(exchange, form(exchange));
        }
        case "devicecode" -> {
          if (!method.equals("POST")) {
            page(exchange, 405, "POST only");
            return;
          }
          deviceCode(exchange, form(exchange));
        }
        case "device" -> consent(exchange, query(exchange.getRequestURI().getRawQuery()));
        default -> page(exchange, 404, "no such page");
      }
    } catch (RuntimeException e) {
      page(exchange, 500, e.toString());
    }
  }

  private void metadata(HttpExchange exchange, String path) throws IOException {
    metadataRequests.add(path);
    String where = metadataAt;
    boolean served = where.equals("openid-configuration") && path.equals("/realm/.well-known/openid-configuration")
        || where.equals("oauth-authorization-server") && path.equals("/.well-known/oauth-authorization-server/realm");
    if (!served) {
      page(exchange, 404, "no such page");
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("issuer", metadataIssuer != null ? metadataIssuer : issuer().toString());
    body.put("authorization_endpoint", authorizeEndpoint().toString());
    body.put("token_endpoint", tokenEndpoint().toString());
    body.put("device_authorization_endpoint", deviceEndpoint().toString());
    if (issInRedirect != null) {
      body.put("authorization_response_iss_parameter_supported", true);
    }
    String json = "{\"response_types_supported\":[\"code\"],\"grant_types_supported\":[\"authorization_code\","
        + "\"refresh_token\"],\"code_challenge_methods_supported\":[\"S256\"],\"mtls_endpoint_aliases\":{\"token_endpoint\":"
        + "\"https://mtls.example/token\"}," + flat(body).substring(1);
    send(exchange, 200, "application/json", json);
  }

  private void authorize(HttpExchange exchange, Map<String, String> q) throws IOException {
    authorizeRequests.add(q);
    Client client = clients.get(q.getOrDefault("client_id", ""));
    if (client == null) {
      page(exchange, 400, "unknown client_id");
      return;
    }
    String redirect = q.get("redirect_uri");
    if (redirect == null || !registered(client, redirect)) {
      page(exchange, 400, "redirect_uri is not registered for this client");
      return;
    }
    URI redirectUri = URI.create(redirect);
    String state = q.get("state");
    if (!"code".equals(q.get("response_type"))) {
      redirect(exchange, redirectUri, Map.of("error", "unsupported_response_type"), state);
      return;
    }
    if (state == null || state.isEmpty()) {
      redirect(exchange, redirectUri, Map.of("error", "invalid_request", "error_description", "state is required"),
          null);
      return;
    }
    if (q.get("code_challenge") == null || !"S256".equals(q.get("code_challenge_method"))) {
      redirect(exchange, redirectUri, Map.of("error", "invalid_request",
          "error_description", "PKCE with code_challenge_method S256 is required"), state);
      return;
    }
    if (q.get("scope") == null || q.get("scope").isBlank()) {
      redirect(exchange, redirectUri, Map.of("error", "invalid_scope", "error_description", "scope is required"),
          state);
      return;
    }
    String[] refused = refusal;
    if (refused != null) {
      refusal = null;
      redirect(exchange, redirectUri, Map.of("error", refused[0], "error_description", refused[1]), state);
      return;
    }
    Set<String> scopes = scopes(q.get("scope"));
    String code = issue("code");
    codes.put(code, new Code(client.id(), redirectUri, q.get("code_challenge"), scopes, user,
        scopes.contains("offline_access") || "offline".equals(q.get("access_type")), clock.instant().plusSeconds(600)));
    redirect(exchange, redirectUri, Map.of("code", code), state);
  }

  private void token(HttpExchange exchange, Map<String, String> f) throws IOException {
    tokenRequests.add(f);
    String grant = f.getOrDefault("grant_type", "");
    if (grant.equals(JWT_GRANT)) {
      jwtBearer(exchange, f);
      return;
    }
    Client client = authenticate(exchange, f);
    if (client == null) {
      return;
    }
    switch (grant) {
      case "authorization_code" -> authorizationCode(exchange, client, f);
      case "refresh_token" -> refresh(exchange, client, f);
      case DEVICE_GRANT -> devicePoll(exchange, client, f);
      default -> error(exchange, 400, "unsupported_grant_type", "grant_type " + grant + " is not supported");
    }
  }

  /**
   * Client authentication at the token and device endpoints (RFC 6749 §2.3.1, RFC 8628 §3.1): a
   * confidential client by {@code client_secret_basic} or {@code client_secret_post}, never both; a
   * public client by its {@code client_id} alone. Null after an error was sent.
   */
  private Client authenticate(HttpExchange exchange, Map<String, String> f) throws IOException {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String id = f.get("client_id");
    String secret = f.get("client_secret");
    String method = secret != null ? "client_secret_post" : "none";
    if (header != null) {
      if (!header.startsWith("Basic ") || secret != null) {
        clientAuthentications.add("invalid");
        error(exchange, 400, "invalid_request", "one client authentication method, Basic or the form, not both");
        return null;
      }
      String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      String basicId = URLDecoder.decode(pair.substring(0, Math.max(colon, 0)), StandardCharsets.UTF_8);
      if (colon < 0 || (id != null && !id.equals(basicId))) {
        clientAuthentications.add("invalid");
        error(exchange, 401, "invalid_client", "malformed Basic credentials");
        return null;
      }
      id = basicId;
      secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
      method = "client_secret_basic";
    }
    clientAuthentications.add(method);
    Client client = clients.get(id == null ? "" : id);
    if (client == null) {
      error(exchange, 401, "invalid_client", "unknown client_id");
      return null;
    }
    if (client.secret() == null && secret != null) {
      error(exchange, 401, "invalid_client", "a public client must not send a client_secret");
      return null;
    }
    if (client.secret() != null && !client.secret().equals(secret)) {
      error(exchange, 401, "invalid_client", "Invalid client or Invalid client credentials");
      return null;
    }
    return client;
  }

  private void authorizationCode(HttpExchange exchange, Client client, Map<String, String> f) throws IOException {
    String codeValue = f.getOrDefault("code", "");
    if (redeemedCodes.contains(codeValue)) {
      error(exchange, 400, "invalid_grant", "the authorization code was already redeemed");
      return;
    }
    Code code = codes.remove(codeValue);
    if (code == null) {
      error(exchange, 400, "invalid_grant", "unknown authorization code");
      return;
    }
    redeemedCodes.add(codeValue);
    if (!code.clientId().equals(client.id())) {
      error(exchange, 400, "invalid_grant", "the code was issued to another client");
      return;
    }
    if (!code.redirectUri().toString().equals(f.get("redirect_uri"))) {
      error(exchange, 400, "invalid_grant", "redirect_uri differs from the authorization request's");
      return;
    }
    if (!clock.instant().isBefore(code.expiresAt())) {
      error(exchange, 400, "invalid_grant", "the authorization code has expired");
      return;
    }
    String verifier = f.get("code_verifier");
    if (verifier == null || verifier.isEmpty()) {
      error(exchange, 400, "invalid_request", "code_verifier is required (PKCE)");
      return;
    }
    if (!s256(verifier).equals(code.challenge())) {
      error(exchange, 400, "invalid_grant", "code_verifier does not match the code_challenge");
      return;
    }
    tokens(exchange, client.id(), code.user(), code.scopes(), code.offline(), null);
  }

  private void refresh(HttpExchange exchange, Client client, Map<String, String> f) throws IOException {
    Refresh r = refreshTokens.get(f.getOrDefault("refresh_token", ""));
    if (r == null || !r.clientId.equals(client.id())) {
      error(exchange, 400, "invalid_grant", "unknown refresh token");
      return;
    }
    if (r.state == RefreshState.REVOKED) {
      error(exchange, 400, "invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked,"
          + " a fresh auth token is needed.");
      return;
    }
    if (r.state == RefreshState.ROTATED) {
      // reuse of a rotated token: the whole family is revoked (OAuth 2.0 Security BCP 4.14.2)
      refreshTokens.values().stream().filter(x -> x.family.equals(r.family))
          .forEach(x -> x.state = RefreshState.REVOKED);
      error(exchange, 400, "invalid_grant",
          "the refresh token was rotated and used again; every token of this grant is revoked");
      return;
    }
    Set<String> asked = f.get("scope") == null ? r.scopes : scopes(f.get("scope"));
    Set<String> allowed = new HashSet<>(r.scopes);
    allowed.add("offline_access");
    if (!allowed.containsAll(asked)) {
      error(exchange, 400, "invalid_scope", "scopes were not granted: " + asked);
      return;
    }
    r.state = RefreshState.ROTATED;
    tokens(exchange, client.id(), r.user, asked, true, r);
  }

  private void deviceCode(HttpExchange exchange, Map<String, String> f) throws IOException {
    deviceRequests.add(f);
    Client client = authenticate(exchange, f);
    if (client == null) {
      return;
    }
    if (f.get("scope") == null || f.get("scope").isBlank()) {
      error(exchange, 400, "invalid_scope", "scope is required");
      return;
    }
    String deviceCode = issue("device");
    String userCode = userCode();
    Instant expiresAt = clock.instant().plusSeconds(900);
    String challenge = f.get("code_challenge");
    if (pkceRequired.contains(client.id()) && (challenge == null || f.get("code_challenge_method") == null)) {
      error(exchange, 400, "invalid_request",
          "Missing parameter: " + (challenge == null ? "code_challenge" : "code_challenge_method"));
      return;
    }
    if (challenge != null && !"S256".equals(f.get("code_challenge_method"))) {
      error(exchange, 400, "invalid_request", "code_challenge_method must be S256");
      return;
    }
    devices.put(deviceCode, new Device(client.id(), scopes(f.get("scope")), userCode, expiresAt, challenge));
    deviceCodeByUserCode.put(userCode, deviceCode);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("device_code", deviceCode);
    body.put("user_code", userCode);
    body.put("verification_uri", base().resolve("device").toString());
    body.put("expires_in", 900);
    body.put("interval", deviceInterval);
    body.put("message", "To sign in, open " + base().resolve("device") + " and enter the code " + userCode + ".");
    json(exchange, 200, body);
  }

  private void consent(HttpExchange exchange, Map<String, String> q) throws IOException {
    String deviceCode = deviceCodeByUserCode.get(q.getOrDefault("user_code", ""));
    Device d = deviceCode == null ? null : devices.get(deviceCode);
    if (d == null) {
      page(exchange, 400, "unknown code");
      return;
    }
    if ("no".equals(q.get("consent"))) {
      d.declined = true;
      page(exchange, 200, "declined");
    } else {
      d.approvedBy = user;
      page(exchange, 200, "approved: you can return to your device");
    }
  }

  private void devicePoll(HttpExchange exchange, Client client, Map<String, String> f) throws IOException {
    devicePolls.incrementAndGet();
    Device d = devices.get(f.getOrDefault("device_code", ""));
    if (d == null || !d.clientId.equals(client.id())) {
      error(exchange, 400, "invalid_grant", "unknown device_code");
      return;
    }
    if (d.expired || !clock.instant().isBefore(d.expiresAt)) {
      error(exchange, 400, "expired_token", "the device code has expired");
      return;
    }
    if (d.redeemed) {
      error(exchange, 400, "invalid_grant", "the device code was redeemed already");
      return;
    }
    if (d.challenge != null && (f.get("code_verifier") == null || !s256(f.get("code_verifier")).equals(d.challenge))) {
      error(exchange, 400, "invalid_grant",
          "PKCE verification failed: code_verifier does not match the code_challenge");
      return;
    }
    if (slowDowns.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      error(exchange, 400, "slow_down", "polling too fast");
      return;
    }
    if (d.declined) {
      error(exchange, 400, "access_denied", "the user declined the sign-in");
      return;
    }
    if (d.approvedBy == null) {
      error(exchange, 400, "authorization_pending", "the user has not entered the code yet");
      return;
    }
    d.redeemed = true;
    tokens(exchange, client.id(), d.approvedBy, d.scopes, d.scopes.contains("offline_access"), null);
  }

  private void jwtBearer(HttpExchange exchange, Map<String, String> f) throws IOException {
    String[] parts = f.getOrDefault("assertion", "").split("\\.", -1);
    if (parts.length != 3) {
      error(exchange, 400, "invalid_grant", "the assertion is not a signed JWT");
      return;
    }
    Map<String, Object> header;
    Map<String, Object> claims;
    try {
      header = FlatObject.parse(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      claims = FlatObject.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      error(exchange, 400, "invalid_grant", "the assertion is not a JWT: " + e.getMessage());
      return;
    }
    if (!"RS256".equals(header.get("alg"))) {
      error(exchange, 400, "invalid_grant", "alg must be RS256");
      return;
    }
    ServiceAccount account = serviceAccounts.get(String.valueOf(claims.get("iss")));
    if (account == null) {
      error(exchange, 400, "invalid_grant", "unknown issuer");
      return;
    }
    if (!verify(account.key(), parts[0] + "." + parts[1], parts[2])) {
      error(exchange, 400, "invalid_grant", "Invalid JWT Signature.");
      return;
    }
    String audience = scheme + "://127.0.0.1:" + http.getAddress().getPort() + exchange.getRequestURI().getPath();
    if (!audience.equals(claims.get("aud"))) {
      error(exchange, 400, "invalid_grant", "Invalid JWT: aud must be " + audience);
      return;
    }
    long now = clock.instant().getEpochSecond();
    if (!(claims.get("exp") instanceof Long exp) || !(claims.get("iat") instanceof Long iat)) {
      error(exchange, 400, "invalid_grant", "Invalid JWT: exp and iat are required");
      return;
    }
    if (exp <= now || iat > now + 60 || exp - iat > 3600) {
      error(exchange, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a"
          + " reasonable timeframe.");
      return;
    }
    Object sub = claims.get("sub");
    if (!(sub instanceof String subject) || !account.users().contains(subject)) {
      error(exchange, 400, "invalid_grant", "Invalid email or User ID");
      return;
    }
    Set<String> scopes = claims.get("scope") instanceof String s ? scopes(s) : Set.of();
    if (scopes.isEmpty() || !account.scopes().containsAll(scopes)) {
      error(exchange, 401, "unauthorized_client", "Client is unauthorized to retrieve access tokens using this method,"
          + " or client not authorized for any of the scopes requested.");
      return;
    }
    tokens(exchange, account.email(), subject, scopes, false, null);
  }

  private void tokens(HttpExchange exchange, String clientId, String user, Set<String> scopes, boolean offline,
      Refresh rotated) throws IOException {
    Set<String> granted = new LinkedHashSet<>(scopes);
    granted.remove("offline_access");
    String access = issue("access");
    accessTokens.put(access,
        new Grant(clientId, user, Set.copyOf(granted), clock.instant().plusSeconds(accessTokenSeconds)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token_type", "Bearer");
    body.put("scope", String.join(" ", granted));
    body.put("expires_in", accessTokenSeconds);
    body.put("access_token", access);
    if (offline) {
      String refresh = issue("refresh");
      refreshTokens.put(refresh, new Refresh(clientId, user, rotated == null ? Set.copyOf(scopes) : rotated.scopes,
          rotated == null ? refresh : rotated.family));
      body.put("refresh_token", refresh);
      if (refreshExpiresIn >= 0) {
        body.put("refresh_expires_in", refreshExpiresIn);
      }
    }
    listeners.forEach(l -> l.accept(user, access));
    json(exchange, 200, body);
  }

  // ---------------------------------------------------------------------------------------------

  private static boolean registered(Client client, String redirect) {
    URI asked;
    try {
      asked = URI.create(redirect);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (URI r : client.redirectUris()) {
      if (r.toString().equals(redirect)) {
        return true;
      }
      boolean loopback = "http".equals(r.getScheme()) && "127.0.0.1".equals(r.getHost()) && r.getPort() == -1;
      if (loopback && "http".equals(asked.getScheme()) && "127.0.0.1".equals(asked.getHost())
          && path(r).equals(path(asked)) && asked.getRawQuery() == null && asked.getRawFragment() == null) {
        return true; // RFC 8252 §7.3: any port on a loopback redirect
      }
    }
    return false;
  }

  private static String path(URI u) {
    return u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath();
  }

  private static boolean verify(PublicKey key, String signingInput, String signature) {
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(key);
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return rs256.verify(Base64.getUrlDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String s256(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> scopes(String text) {
    Set<String> s = new LinkedHashSet<>();
    for (String part : text.trim().split("\\s+")) {
      if (!part.isEmpty()) {
        s.add(part);
      }
    }
    return Collections.unmodifiableSet(s);
  }

  private String issue(String kind) {
    byte[] b = new byte[24];
    random.nextBytes(b);
    String value = kind + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    secrets.add(value);
    return value;
  }

  private String userCode() {
    String letters = "BCDFGHJKLMNPQRSTVWXZ";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == 4) {
        sb.append('-');
      }
      sb.append(letters.charAt(random.nextInt(letters.length())));
    }
    return sb.toString();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null) {
      return m;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (m.putIfAbsent(k, v) != null) {
        throw new IllegalArgumentException("parameter " + k + " given twice");
      }
    }
    return m;
  }

  private static Map<String, String> form(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
      throw new IllegalArgumentException("Content-Type must be application/x-www-form-urlencoded, was " + type);
    }
    return query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
  }

  private void redirect(HttpExchange exchange, URI to, Map<String, String> params, String state) throws IOException {
    StringBuilder sb = new StringBuilder(to.toString()).append(to.getRawQuery() == null ? '?' : '&');
    Map<String, String> all = new LinkedHashMap<>(params);
    if (state != null) {
      all.put("state", state);
    }
    if (issInRedirect != null) {
      all.put("iss", issInRedirect);
    }
    all.forEach((k, v) -> sb.append(enc(k)).append('=').append(enc(v)).append('&'));
    sb.setLength(sb.length() - 1);
    exchange.getResponseHeaders().add("Location", sb.toString());
    exchange.sendResponseHeaders(302, -1);
  }

  private static void error(HttpExchange exchange, int status, String error, String description) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description);
    json(exchange, status, body);
  }

  private static void json(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
    send(exchange, status, "application/json", flat(body));
  }

  private static String flat(Map<String, Object> body) {
    StringBuilder sb = new StringBuilder("{");
    body.forEach((k, v) -> {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(FlatObject.quote(k)).append(':')
          .append(v instanceof Number || v instanceof Boolean ? v.toString() : FlatObject.quote(String.valueOf(v)));
    });
    return sb.append('}').toString();
  }

  private static void page(HttpExchange exchange, int status, String text) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", text);
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
