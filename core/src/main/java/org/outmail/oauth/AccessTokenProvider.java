package org.outmail.oauth;

import java.util.List;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Fetches access tokens for OAuth clients. Found by {@link java.util.ServiceLoader} ({@code
 * META-INF/services/org.outmail.oauth.AccessTokenProvider}) before outmail's built-in provider, which
 * speaks the client-credentials and refresh-token grants over plain HTTPS to any provider.
 * Caching is done by {@link AccessTokens}; a provider always fetches.
 *
 * <p>A provider found by {@link java.util.ServiceLoader} serves only the mailboxes of the
 * {@linkplain #protocols() protocols it names}, so that putting a transport's jar on the classpath
 * never changes how the mailboxes of another transport get their tokens. A host that wants such a
 * provider for other mailboxes too passes it itself ({@code
 * MailboxRegistry.Builder.accessTokenProvider}): a provider given that way serves every mailbox.
 */
public interface AccessTokenProvider {
  /**
   * The protocols ({@code owa}, {@code smtp}) whose mailboxes this provider serves when it is found
   * by {@link java.util.ServiceLoader}; empty for every protocol. A transport's own provider names
   * its transport's protocol. Not consulted for providers the host passes itself.
   *
   * @return the protocols served, lower case; empty for all
   */
  default java.util.Set<String> protocols() {
    return java.util.Set.of();
  }

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

  /**
   * Fetches a new token over TLS connections made with {@code tls}: the trust of the mailbox that
   * asks (its trust store). Providers that make their own connections should honour it; the default
   * ignores it.
   *
   * @param client a client this provider {@linkplain #supports supports}
   * @param scopes the scopes to ask for, never empty
   * @param store where a rotated refresh token must be saved, keyed by the client's name
   * @param tls the TLS context to connect with, or {@code null} for the JDK's default
   * @return the new token
   * @throws OAuthException with the provider's error code, never the secret
   */
  default AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store, @Nullable SSLContext tls) {
    return fetch(client, scopes, store);
  }
}
