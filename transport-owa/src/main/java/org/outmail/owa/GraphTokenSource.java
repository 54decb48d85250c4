package org.outmail.owa;

import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private final AtomicBoolean renew = new AtomicBoolean();

  GraphTokenSource(AccessTokens tokens, OAuthClient client, GraphEndpoint endpoint) {
    this.tokens = tokens;
    this.client = client;
    this.scopes = endpoint.scopes();
    this.allowedHosts = new AllowedHostsValidator(endpoint.host());
  }

  /**
   * The token for the next request: a new one after Graph refused the last ({@link #renewNext}).
   *
   * @throws org.outmail.OAuthException if no token can be had
   */
  String token() {
    if (renew.getAndSet(false)) {
      return tokens.refresh(client, scopes).token().value();
    }
    return tokens.get(client, scopes).token().value();
  }

  /** Graph answered 401: the next request asks the token endpoint for a new token. */
  void renewNext() {
    renew.set(true);
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
