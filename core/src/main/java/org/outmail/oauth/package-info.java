/**
 * OAuth 2.0 for mailboxes that authenticate with access tokens: the {@link
 * org.outmail.oauth.OAuthClient} a mailbox names, the {@link org.outmail.oauth.AccessTokens} cache
 * its transport asks, the {@link org.outmail.oauth.AccessTokenProvider}s that fetch tokens (found
 * by {@link java.util.ServiceLoader}, before the built-in client-credentials and refresh-token
 * client), and the {@link org.outmail.oauth.TokenStore} that keeps rotated refresh tokens.
 */
package org.outmail.oauth;
