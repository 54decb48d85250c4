package org.outmail.owa;

import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.outmail.oauth.AccessToken;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.OAuthClient;

/**
 * Gives the Graph SDK the mailbox's bearer token, from outmail's token cache, for the configured
 * Graph host only. The SDK's own Azure provider would send it to {@code graph.microsoft.*} hosts
 * only, and silently send nothing to any other: here the allowed host is the configured one.
 */
final class GraphTokenSource implements AccessTokenProvider {
  private final AccessTokens tokens;
  private final OAuthClient client;
  private final List<String> scopes;
  private final AllowedHostsValidator allowedHosts;
  /** The token last handed out on each thread: the SDK asks for it on the thread that sends. */
  @SuppressWarnings("ThreadLocalUsage") // per source: each mailbox's token on each thread
  private final ThreadLocal<AccessToken> lastOnThread = new ThreadLocal<>();
  private final AtomicReference<AccessToken> refused = new AtomicReference<>();

  GraphTokenSource(AccessTokens tokens, OAuthClient client, GraphEndpoint endpoint) {
    this.tokens = tokens;
    this.client = client;
    this.scopes = endpoint.scopes();
    this.allowedHosts = new AllowedHostsValidator(endpoint.host());
  }

  /**
   * The token for the next request: one in place of the token Graph refused ({@link #renewNext}),
   * fetched only if no other request has replaced it already.
   *
   * @throws org.outmail.OAuthException if no token can be had
   */
  String token() {
    AccessToken stale = refused.getAndSet(null);
    AccessToken t = stale == null ? tokens.get(client, scopes) : tokens.refresh(client, scopes, stale);
    lastOnThread.set(t);
    return t.token().value();
  }

  /** Graph answered 401 to this thread's last request: the next request replaces the token it carried. */
  void renewNext() {
    AccessToken last = lastOnThread.get();
    if (last != null) {
      refused.set(last);
    }
  }

  @Override
  public String getAuthorizationToken(URI uri, Map<String, Object> additionalAuthenticationContext) {
    if (!allowedHosts.isUrlHostValid(uri)) {
      return "";
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) && !GraphEndpoint.plainHttpAllowed(uri)) {
      throw new IllegalArgumentException("refusing to send a bearer token over plain http to " + uri.getHost());
    }
    return token();
  }

  @Override
  public AllowedHostsValidator getAllowedHostsValidator() {
    return allowedHosts;
  }
}
