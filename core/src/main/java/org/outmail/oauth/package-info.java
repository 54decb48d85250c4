/**
 * OAuth 2.0 for mailboxes that authenticate with tokens (SMTP XOAUTH2, Microsoft Graph).
 *
 * <p>An {@link org.outmail.oauth.OAuthClient} is the seed's "OAuth Client": provider ({@code
 * MICROSOFT}, {@code GOOGLE}, {@code GENERIC}), client id and secret, scopes, endpoints (each can
 * be overridden), and the grant: client credentials (app-only), a refresh token an administrator
 * obtained once (delegated), or a JWT signed with a Google service account's key for the mailbox's
 * user (domain-wide delegation). Its fields are described as {@link org.outmail.Setting}s by {@link
 * org.outmail.oauth.OAuthClient#textForm()}, read by the properties loader ({@code
 * outmail.oauth-client.NAME.FIELD}) and by forms; one client can serve several mailboxes.
 *
 * <p>{@link org.outmail.oauth.AccessTokens} hands transports access tokens: cached per client and
 * scopes until shortly before they expire, fetched by the first {@link
 * org.outmail.oauth.AccessTokenProvider} that supports the client (providers found by {@link
 * java.util.ServiceLoader}, such as the OWA transport's msal4j one, before the built-in HTTP one).
 * A token a server refused is replaced once however many connections saw it refused ({@link
 * org.outmail.oauth.AccessTokens#refresh(OAuthClient, java.util.List, AccessToken)}).
 *
 * <p>{@link org.outmail.oauth.OAuthValidations} is how an administrator validates a delegated
 * client: the authorization code flow with PKCE behind the host's redirect URL ({@code start}, then
 * {@code complete} from the redirect), or the device code flow; the refresh token goes to the token
 * store. The host owns the object that holds the validations in progress.
 *
 * <p>A provider that rotates refresh tokens hands out a new one with each access token; it is kept
 * in a {@link org.outmail.oauth.TokenStore} (in memory, a {@link
 * org.outmail.oauth.TokenStore#file file}, or the host's own). A store that cannot save does not
 * fail a send: the rotated token is kept in memory, the failure logged at ERROR, and the save tried
 * again; the file store's own failures are {@link org.outmail.oauth.TokenStoreException}s. Errors
 * getting a token are {@link org.outmail.oauth.OAuthException}s, with the provider's error code and
 * never a secret.
 */
@NullMarked
package org.outmail.oauth;

import org.jspecify.annotations.NullMarked;
