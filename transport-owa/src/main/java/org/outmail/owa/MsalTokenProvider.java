package org.outmail.owa;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.MsalServiceException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.outmail.Secret;
import org.outmail.oauth.AccessToken;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthException;
import org.outmail.oauth.OAuthGrant;
import org.outmail.oauth.OAuthProvider;
import org.outmail.oauth.TokenStore;

/**
 * App-only tokens for OAuth clients of provider {@code MICROSOFT} through msal4j (client
 * credentials with a client secret), for {@code owa} mailboxes. Found by {@link
 * java.util.ServiceLoader}, it is asked before outmail's built-in token client for {@code owa}
 * mailboxes only: an SMTP mailbox on the same registry keeps getting its tokens from the built-in
 * client. A host that wants msal4j for its SMTP mailboxes that use XOAUTH2 against Office 365 too
 * passes it itself: {@code MailboxRegistry.builder().accessTokenProvider(new MsalTokenProvider())}.
 *
 * <p>One {@code ConfidentialClientApplication} per authority and client id, so msal4j's token
 * cache is reused; HTTP timeouts are finite (10 s to connect, 30 s to read); instance discovery
 * is on only for the public cloud's authority hosts (elsewhere it would call {@code
 * login.microsoftonline.com} anyway). Errors become {@link OAuthException}s carrying Microsoft's
 * {@code AADSTS} code, never the secret.
 */
public final class MsalTokenProvider implements AccessTokenProvider {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  /** How long to wait for msal4j's answer in all; longer than its connect and read timeouts. */
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final Set<String> PUBLIC_CLOUD = Set.of(
      "login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "sts.windows.net");
  private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+");

  /** The HTTP client msal4j uses; null for its own. */
  private final @Nullable IHttpClient httpClient;
  private final Map<String, App> apps = new ConcurrentHashMap<>();

  /** Creates the provider with msal4j's own HTTP client; {@link java.util.ServiceLoader} calls this. */
  public MsalTokenProvider() {
    this(null);
  }

  /** With an HTTP client of one's own instead of msal4j's default (tests forward it to 127.0.0.1). */
  MsalTokenProvider(@Nullable IHttpClient httpClient) {
    this.httpClient = httpClient;
  }

  /** Found by {@link java.util.ServiceLoader}, this provider serves {@code owa} mailboxes only. */
  @Override
  public Set<String> protocols() {
    return Set.of("owa");
  }

  /**
   * Clients of provider {@code MICROSOFT} using the client-credentials grant with a secret, whose
   * token endpoint is the authority's own (an overridden endpoint is left to the built-in client).
   */
  @Override
  public boolean supports(OAuthClient client) {
    if (client.provider() != OAuthProvider.MICROSOFT || client.grant() != OAuthGrant.CLIENT_CREDENTIALS
        || client.clientSecret().isEmpty() || client.authority().isEmpty()) {
      return false;
    }
    URI authority = client.authority().get();
    return "https".equalsIgnoreCase(authority.getScheme())
        && client.tokenEndpoint().equals(authority.resolve("oauth2/v2.0/token"));
  }

  @Override
  public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store) {
    return fetch(client, scopes, store, null);
  }

  /** Fetches over connections made with {@code tls} (the mailbox's trust). */
  @Override
  public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store, @Nullable SSLContext tls) {
    App app = app(client, tls);
    Set<String> scopeSet = new LinkedHashSet<>(scopes);
    IAuthenticationResult result = acquire(client, app, scopeSet, false);
    String key = String.join(" ", scopeSet);
    if (result.accessToken().equals(app.lastHandedOut.get(key))) {
      // asked again for a token already handed out: the caller saw it refused, so skip msal4j's cache
      result = acquire(client, app, scopeSet, true);
    }
    app.lastHandedOut.put(key, result.accessToken());
    return new AccessToken(Secret.of(result.accessToken()), result.expiresOnDate().toInstant());
  }

  /** Whether msal4j should ask the public cloud about the authority: only for its own hosts. */
  static boolean instanceDiscovery(URI authority) {
    return authority.getHost() != null && PUBLIC_CLOUD.contains(authority.getHost().toLowerCase(Locale.ROOT));
  }

  private App app(OAuthClient client, @Nullable SSLContext tls) {
    URI authority = client.authority().orElseThrow();
    String secret = client.clientSecret().orElseThrow().value();
    String key = authority + "\u0000" + client.clientId() + "\u0000"
        + (tls == null ? "jdk" : System.identityHashCode(tls))
        + "\u0000" + client.proxy().map(p -> p.toString() + p.user().orElse("") + p.noProxy()).orElse("direct");
    return apps.compute(key, (k, existing) -> existing != null && existing.secret.equals(secret) ? existing
        : new App(build(client, authority, secret, tls), secret));
  }

  private ConfidentialClientApplication build(OAuthClient client, URI authority, String secret,
      @Nullable SSLContext tls) {
    try {
      ConfidentialClientApplication.Builder b = ConfidentialClientApplication
          .builder(client.clientId(), ClientCredentialFactory.createFromSecret(secret))
          .authority(authority.toString())
          .instanceDiscovery(instanceDiscovery(authority))
          .disableInternalRetries(); // outmail's pipeline retries transient failures
      IHttpClient http = httpClient != null ? httpClient
          : MsalHttp.jdk(tls, client.proxy().orElse(null), CONNECT_TIMEOUT, READ_TIMEOUT);
      b.httpClient(MsalHttp.redacting(http, client.clientSecret().orElseThrow()));
      return b.build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new OAuthException("OAuth client '" + client.name() + "': authority " + authority + " is not usable: "
          + e.getMessage(), null, false, null);
    }
  }

  private static IAuthenticationResult acquire(OAuthClient client, App app, Set<String> scopes, boolean skipCache) {
    String name = "OAuth client '" + client.name() + "'";
    String endpoint = client.tokenEndpoint().toString();
    try {
      return app.cca.acquireToken(ClientCredentialParameters.builder(scopes).skipCache(skipCache).build())
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OAuthException("interrupted while fetching a token for " + name, null, true, null);
    } catch (TimeoutException e) {
      throw new OAuthException(
          name + ": token endpoint " + endpoint + " did not answer within " + WAIT.toSeconds() + " s",
          null, true, null);
    } catch (ExecutionException e) {
      throw translate(name, endpoint, e.getCause() == null ? e : e.getCause(), app.secret);
    } catch (RuntimeException e) {
      throw translate(name, endpoint, e, app.secret);
    }
  }

  /** An {@link OAuthException} with Microsoft's code, the secret scrubbed from every text. */
  static OAuthException translate(String name, String endpoint, Throwable t, String secret) {
    MsalServiceException service = GraphErrors.find(t, MsalServiceException.class);
    if (service != null) {
      String text = firstLine(service.getMessage());
      Matcher m = AADSTS.matcher(text);
      String code = m.find() ? m.group() : service.errorCode();
      Integer status = service.statusCode();
      boolean transientFailure = status != null && (status >= 500 || status == 429);
      String message = name + ": token endpoint " + endpoint + " answered"
          + (status == null || status == 0 ? "" : " HTTP " + status)
          + (service.errorCode() == null ? "" : " " + service.errorCode()) + ": " + text;
      return new OAuthException(scrub(message, secret), code, transientFailure, null);
    }
    IOException io = GraphErrors.find(t, IOException.class);
    if (io != null) {
      return new OAuthException(scrub(name + ": token endpoint " + endpoint + " unreachable: "
          + io.getClass().getSimpleName() + (io.getMessage() == null ? "" : " " + io.getMessage()), secret), null, true,
          null);
    }
    String detail = t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
    boolean unreachable = detail.toLowerCase(Locale.ROOT).contains("connect");
    return new OAuthException(scrub(name + ": no token from " + endpoint + ": " + detail, secret), null, unreachable,
        null);
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    String line = s.strip().split("\\R", 2)[0];
    return line.length() > 500 ? line.substring(0, 500) + "..." : line;
  }

  private static String scrub(String text, String secret) {
    return Objects.requireNonNullElse(Secret.redact(text, secret), ""); // null only for a null text
  }

  /** One msal4j application with its token cache, and the secret it was built with. */
  private static final class App {
    final ConfidentialClientApplication cca;
    final String secret;
    final Map<String, String> lastHandedOut = new ConcurrentHashMap<>();

    App(ConfidentialClientApplication cca, String secret) {
      this.cca = cca;
      this.secret = secret;
    }
  }
}
