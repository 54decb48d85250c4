package org.outmail.oauth;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;

/**
 * Validations of delegated OAuth clients ({@link OAuthGrant#REFRESH_TOKEN}) in progress: an
 * administrator signs in once, and the refresh token the provider issues is saved in the {@link
 * TokenStore} the registry reads. The host owns one instance (a web application keeps it for as
 * long as it runs) and calls it from any thread; nothing is static.
 *
 * <p><b>Authorization code with PKCE</b> (RFC 6749 §4.1, RFC 7636 S256), for a host's web page or
 * a loopback redirect (RFC 8252): {@link #start} gives the URL to send the browser to, with a fresh
 * {@code state} and code challenge and the provider's parameters (Microsoft: {@code offline_access}
 * and {@code https://outlook.office.com/SMTP.Send} unless other scopes are given; Google: {@code
 * https://mail.google.com/}, {@code access_type=offline}, {@code prompt=consent}). The provider
 * redirects back to the host's URL; {@link #complete} checks the state (known, not used before, not
 * expired), reports the provider's error if it sent one, exchanges the code with the PKCE verifier
 * and stores the refresh token.
 *
 * <p><b>Device code</b> (RFC 8628), for a server without a browser: {@link #startDevice}, then
 * {@link #awaitDevice}. The client authenticates at the device endpoint as at the token endpoint
 * (RFC 8628 §3.1, {@link OAuthClient#clientAuthentication()}); a client of another provider than
 * Microsoft also sends a PKCE challenge (S256) there and the verifier with each poll, for servers
 * that require PKCE of the client. Microsoft offers it (the app registration must allow public client flows),
 * and a {@code GENERIC} client with a {@code device-endpoint}; Google's device flow does not grant
 * the Gmail scope, so Google clients are validated with the browser flow (from any machine with a
 * browser) or replaced by a service account ({@link OAuthGrant#JWT_BEARER}).
 *
 * <p>Errors are {@link OAuthException}s (the provider's error code, no secret) or, for a client
 * that cannot be validated as configured, {@link MailboxConfigException}s naming the field; a store
 * that cannot save throws its own exception, and the validation must then be done again.
 */
public final class OAuthValidations {
  /** How long a started validation can be completed: ten minutes. */
  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(10);
  /** Exchange Online SMTP AUTH, delegated. */
  static final String MICROSOFT_SMTP_SCOPE = "https://outlook.office.com/SMTP.Send";
  /** Gmail, IMAP/SMTP/POP. */
  static final String GOOGLE_MAIL_SCOPE = "https://mail.google.com/";
  static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  /** Waits between two polls of the device flow; tests pass one that moves their clock instead. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private record Pending(OAuthClient client, List<String> scopes, URI redirectUri, Secret verifier, Instant expiresAt,
      HttpClient http) {}

  private final TokenStore store;
  private final Duration expiry;
  final Clock clock;
  final Sleeper sleeper;
  final HttpClient http;
  final Duration requestTimeout = Duration.ofSeconds(30);
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Pending> pending;

  /**
   * Validations whose refresh tokens go to {@code store}, to be completed within {@link
   * #DEFAULT_EXPIRY}.
   *
   * @param store the registry's token store ({@code MailboxRegistry.tokenStore()})
   */
  public OAuthValidations(TokenStore store) {
    this(store, DEFAULT_EXPIRY);
  }

  /**
   * Validations whose refresh tokens go to {@code store}, to be completed within {@code expiry}.
   *
   * @param store the registry's token store ({@code MailboxRegistry.tokenStore()})
   * @param expiry how long after {@link #start} its redirect is accepted
   * @throws IllegalArgumentException unless the expiry is positive
   */
  public OAuthValidations(TokenStore store, Duration expiry) {
    this(store, expiry, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
  }

  OAuthValidations(TokenStore store, Duration expiry, Clock clock, Sleeper sleeper) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.expiry = Objects.requireNonNull(expiry, "expiry == null");
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("expiry must be positive, was " + expiry);
    }
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
    this.http = client(null);
    this.pending = new ConcurrentHashMap<>();
  }

  private OAuthValidations(OAuthValidations shared, SSLContext tls) {
    this.store = shared.store;
    this.expiry = shared.expiry;
    this.clock = shared.clock;
    this.sleeper = shared.sleeper;
    this.pending = shared.pending;
    this.http = client(tls);
  }

  private static HttpClient client(@Nullable SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    return b.build();
  }

  /**
   * The same validations (one store, one set of pending ones), whose requests to the provider (its
   * metadata, token and device endpoints) trust what {@code tls} trusts: pass the TLS context of a
   * mailbox that uses the client ({@code org.outmail.spi.Tls.context(mailbox)}), so that an identity
   * provider with a private CA in the mailbox's trust store can be validated. A validation is
   * completed over the connections it was started with, whichever view completes it.
   *
   * @param tls the TLS context to reach the provider with
   * @return a view of these validations that connects with {@code tls}
   */
  public OAuthValidations withTls(SSLContext tls) {
    return new OAuthValidations(this, Objects.requireNonNull(tls, "tls == null"));
  }

  /**
   * Starts a validation for the scopes the client configures, else its provider's SMTP scope.
   *
   * @param client the OAuth client to validate
   * @param redirectUri where the provider redirects the browser to
   * @return the request: where the administrator signs in, and the state to expect back
   * @see #start(OAuthClient, List, URI)
   */
  public AuthorizationRequest start(OAuthClient client, URI redirectUri) {
    return start(client, List.of(), redirectUri);
  }

  /**
   * Starts a validation: the URL the administrator's browser goes to.
   *
   * @param client a client with the {@link OAuthGrant#REFRESH_TOKEN} grant and an authorization endpoint
   * @param scopes the scopes the mailboxes need (Microsoft Graph: {@code
   *     https://graph.microsoft.com/Mail.Send}); empty for the client's own, else its provider's
   *     SMTP scope. Microsoft's {@code offline_access} is added.
   * @param redirectUri the host's callback, registered with the provider: https, or http on a
   *     loopback address (RFC 8252), without a fragment
   * @return the authorization URL, the state and when it expires
   * @throws MailboxConfigException if the client cannot be validated (another grant, no
   *     authorization endpoint, no scope known) or the redirect URI is not acceptable
   */
  public AuthorizationRequest start(OAuthClient client, List<String> scopes, URI redirectUri) {
    Objects.requireNonNull(client, "client == null");
    Objects.requireNonNull(scopes, "scopes == null");
    Objects.requireNonNull(redirectUri, "redirectUri == null");
    Flows.checkDelegated(client);
    HttpClient http = client.http(this.http); // through the client's proxy, if it has one
    OAuthClient resolved = client.resolve(http);
    URI authorize = resolved.authorizeEndpoint().orElseThrow(() -> Flows.config(resolved, "authorize-endpoint",
        "is required to validate the client (the provider's authorization endpoint)"));
    checkRedirect(client, redirectUri);
    List<String> asked = Flows.scopes(client, scopes);
    Secret verifier = Secret.of(random(32));
    String state = random(32);
    Instant now = clock.instant();
    pending.values().removeIf(p -> p.expiresAt().plus(expiry).isBefore(now));
    Pending p = new Pending(resolved, asked, redirectUri, verifier, now.plus(expiry), http);
    pending.put(state, p);

    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", client.clientId());
    query.put("redirect_uri", redirectUri.toString());
    query.put("scope", String.join(" ", asked));
    query.put("state", state);
    query.put("code_challenge", Flows.challenge(verifier.value()));
    query.put("code_challenge_method", "S256");
    if (client.provider() == OAuthProvider.MICROSOFT) {
      query.put("response_mode", "query");
    } else if (client.provider() == OAuthProvider.GOOGLE) {
      query.put("access_type", "offline");
      query.put("prompt", "consent");
    }
    StringBuilder url = new StringBuilder(authorize.toString());
    url.append(authorize.getRawQuery() == null ? '?' : '&');
    query.forEach((k, v) -> url.append(TokenRequests.enc(k)).append('=').append(TokenRequests.enc(v)).append('&'));
    url.setLength(url.length() - 1);
    return new AuthorizationRequest(client.name(), URI.create(url.toString()), state, redirectUri, p.expiresAt());
  }

  /**
   * Completes a validation from the redirect the provider sent the browser to; only the query is
   * read ({@code code}, {@code state}, or {@code error} and {@code error_description}).
   *
   * @param redirect the URI the host's callback was called with, absolute or just path and query
   * @return what was validated
   * @see #complete(Map)
   */
  public OAuthValidation complete(URI redirect) {
    Objects.requireNonNull(redirect, "redirect == null");
    return complete(Flows.query(redirect.getRawQuery()));
  }

  /**
   * Completes a validation from the redirect's query parameters: the state must be one this object
   * started, not completed before (success or not) and not expired; the provider's error is
   * reported as it sent it; the code is exchanged with the PKCE verifier and the refresh token
   * saved in the token store.
   *
   * @param parameters the redirect's query parameters, decoded
   * @return the client validated and the scopes granted
   * @throws OAuthException if the state is unknown, used or expired, the provider sent an error,
   *     the code exchange failed or no refresh token was issued
   */
  public OAuthValidation complete(Map<String, String> parameters) {
    Objects.requireNonNull(parameters, "parameters == null");
    String state = parameters.get("state");
    String error = parameters.get("error");
    String providerSaid = error == null ? ""
        : " (the provider answered " + describe(error, parameters.get("error_description")) + ")";
    if (state == null || state.isEmpty()) {
      throw new OAuthException(
          "the redirect carries no state: it does not answer a validation started here" + providerSaid,
          error, false, null);
    }
    Pending p = pending.remove(state);
    if (p == null) {
      throw new OAuthException("no validation waits for this state: it was completed already, has expired or was not"
          + " started here; start the validation again" + providerSaid, error, false, null);
    }
    String name = p.client().name();
    if (clock.instant().isAfter(p.expiresAt())) {
      throw new OAuthException("OAuth client '" + name + "': the validation has expired (it must be completed within "
          + Flows.minutes(expiry) + " of its start); start it again", error, false, null);
    }
    checkIssuer(p.client(), parameters.get("iss"));
    if (error != null) {
      throw new OAuthException("OAuth client '" + name + "': the provider refused the sign-in: "
          + describe(error, parameters.get("error_description")) + hint(error), error, false, null);
    }
    String code = parameters.get("code");
    if (code == null || code.isEmpty()) {
      throw new OAuthException("OAuth client '" + name + "': the redirect carries neither a code nor an error", null,
          false, null);
    }
    OAuthClient client = p.client();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", p.redirectUri().toString());
    form.put("code_verifier", p.verifier().value());
    List<Secret> hidden = Flows.hidden(client);
    hidden.add(Secret.of(code));
    hidden.add(p.verifier());
    TokenRequests.Answer answer = TokenRequests.post(p.http(), requestTimeout, client, "token endpoint",
        client.tokenEndpoint(), form, hidden);
    if (answer.status() != 200 || answer.json().get("access_token") == null) {
      throw TokenRequests.refused(name, "token endpoint", answer, hidden,
          "invalid_grant".equals(answer.error()) ? "the code was refused (used already, expired, or issued for another"
              + " redirect URI or verifier); start the validation again" : null);
    }
    return stored(client, p.scopes(), answer, hidden);
  }

  /**
   * Starts a device code validation for the scopes the client configures, else its provider's
   * SMTP scope.
   *
   * @param client the OAuth client to validate
   * @return the device authorization: the code to show and where to enter it
   * @see #startDevice(OAuthClient, List)
   */
  public DeviceAuthorization startDevice(OAuthClient client) {
    return startDevice(client, List.of());
  }

  /**
   * Starts a device code validation (RFC 8628): show the administrator the user code and the
   * verification URL, then call {@link #awaitDevice}.
   *
   * @param client a client with the {@link OAuthGrant#REFRESH_TOKEN} grant and a device endpoint
   * @param scopes as for {@link #start(OAuthClient, List, URI)}
   * @return the codes and where to enter them
   * @throws OAuthException for a Google client (its device flow does not grant the Gmail scope), or
   *     if the device endpoint refuses
   * @throws MailboxConfigException if the client has another grant or no device endpoint
   */
  public DeviceAuthorization startDevice(OAuthClient client, List<String> scopes) {
    return new DeviceFlow(this).start(client, scopes);
  }

  /**
   * Polls the token endpoint, at the interval the provider asked for (five seconds longer after
   * each {@code slow_down}), until the administrator has entered the code and consented; then
   * stores the refresh token. Each device authorization can be awaited once.
   *
   * @param device what {@link #startDevice} returned
   * @param timeout how long to wait at most; the code's own expiry ends the wait earlier
   * @return the client validated and the scopes granted
   * @throws OAuthException if the administrator declined, the code expired, the time ran out or
   *     the provider refused (the error code says which)
   * @throws IllegalStateException if this device authorization was awaited before
   */
  public OAuthValidation awaitDevice(DeviceAuthorization device, Duration timeout) {
    return new DeviceFlow(this).await(device, timeout);
  }

  /**
   * RFC 9207: a redirect that names its issuer must name the client's; one that does not, when the
   * server's metadata says it always does, is refused too (a mix-up attack sends the browser back
   * with another server's code). A client without a configured issuer cannot check.
   */
  private static void checkIssuer(OAuthClient client, @Nullable String iss) {
    if (client.issuer().isEmpty()) {
      return;
    }
    String expected = Discovery.trimmed(client.issuer().get());
    if (iss == null) {
      if (client.metadata().map(Discovery.Metadata::issParameterSupported).orElse(false)) {
        throw new OAuthException("OAuth client '" + client.name() + "': the redirect carries no iss although the"
            + " server's metadata says it sends one (RFC 9207): it may not come from " + expected
            + "; start the validation again", "invalid_request", false, null);
      }
      return;
    }
    String got = iss.endsWith("/") ? iss.substring(0, iss.length() - 1) : iss;
    if (!got.equals(expected)) {
      throw new OAuthException("OAuth client '" + client.name() + "': the redirect names the issuer '"
          + TokenRequests.firstLine(iss) + "', not the client's " + expected + " (RFC 9207): it comes from another"
          + " authorization server; start the validation again", "invalid_request", false, null);
    }
  }

  /** The answer's refresh token, saved; the validation's result. */
  OAuthValidation stored(OAuthClient client, List<String> asked, TokenRequests.Answer answer, List<Secret> hidden) {
    String refresh = answer.json().get("refresh_token");
    if (refresh == null || refresh.isEmpty()) {
      throw new OAuthException("OAuth client '" + client.name() + "': the provider issued no refresh token; "
          + noRefreshTokenHint(client.provider()), null, false, null);
    }
    store.save(client.name(), Secret.of(refresh));
    String granted = answer.json().get("scope");
    List<String> scopes = granted == null || granted.isBlank() ? asked : List.of(granted.trim().split("\\s+"));
    Instant now = clock.instant();
    long accessSeconds = TokenRequests.seconds(answer.json(), "expires_in", 0);
    long refreshSeconds = TokenRequests.seconds(answer.json(), "refresh_expires_in",
        TokenRequests.seconds(answer.json(), "refresh_token_expires_in", 0));
    return new OAuthValidation(client.name(), scopes, now, TokenRequests.warnings(client, answer),
        accessSeconds > 0 ? Optional.of(now.plusSeconds(accessSeconds)) : Optional.empty(),
        refreshSeconds > 0 ? Optional.of(now.plusSeconds(refreshSeconds)) : Optional.empty());
  }

  private static String noRefreshTokenHint(OAuthProvider provider) {
    return switch (provider) {
      case MICROSOFT -> "the scope offline_access was not granted: consent to it, then validate again";
      case GOOGLE -> "Google issues one only on consent with access_type=offline (outmail asks for both); remove the"
          + " app's access at https://myaccount.google.com/permissions and validate again";
      case GENERIC ->
        "ask for the scope your server issues refresh tokens for (often offline_access) and validate again";
    };
  }

  private static String hint(String error) {
    return switch (error) {
      case "access_denied" -> "; the administrator declined, or the app lacks the tenant's consent";
      case "invalid_scope" -> "; the provider does not know a scope asked for: check the client's scopes";
      case "unauthorized_client" -> "; the app registration does not allow this redirect URI or flow";
      default -> "";
    };
  }

  private static String describe(String error, @Nullable String description) {
    String e = TokenRequests.firstLine(error);
    return description == null || description.isBlank() ? e : e + ": " + TokenRequests.firstLine(description);
  }

  private static void checkRedirect(OAuthClient client, URI uri) {
    String host = uri.getHost();
    boolean loopback = host != null
        && (host.equals("127.0.0.1") || host.equals("[::1]") || host.equalsIgnoreCase("localhost"));
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || host == null || uri.getRawFragment() != null
        || !(scheme.equals("https") || (scheme.equals("http") && loopback))) {
      throw new MailboxConfigException(null, "redirectUri",
          "oauth client '" + client.name() + "': the redirect URI must be"
              + " an absolute https URL, or http on a loopback address, without a fragment: " + uri);
    }
  }

  String random(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return B64URL.encodeToString(b);
  }

  @Override
  public String toString() {
    return "OAuthValidations[" + pending.size() + " pending, store " + store + "]";
  }
}
