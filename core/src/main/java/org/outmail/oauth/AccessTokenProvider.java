package org.outmail.oauth;

import java.util.List;

/**
 * Fetches access tokens for OAuth clients. Found by {@link java.util.ServiceLoader} ({@code
 * META-INF/services/org.outmail.oauth.AccessTokenProvider}) before outmail's built-in provider, which
 * speaks the client-credentials and refresh-token grants over plain HTTPS to any provider.
 * Caching is done by {@link AccessTokens}; a provider always fetches.
 */
public interface AccessTokenProvider {
  /**
   * Whether this provider fetches tokens for the client (e.g. provider {@code MICROSOFT}).
   *
   * @param client the OAuth client
   * @return {@code true} if {@link #fetch} can get tokens for it
   */
  boolean supports(OAuthClient client);

  /**
   * Fetches a new token.
   *
   * @param client a client this provider {@linkplain #supports supports}
   * @param scopes the scopes to ask for, never empty
   * @param store where a rotated refresh token must be saved, keyed by the client's name
   * @return the new token
   * @throws OAuthException with the provider's error code, never the secret
   */
  AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store);
}
