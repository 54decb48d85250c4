package org.outmail.oauth;

/** How an OAuth client obtains access tokens. */
public enum OAuthGrant {
  /** App-only: the client's own id and secret (Microsoft 365 for Graph and SMTP). */
  CLIENT_CREDENTIALS,
  /**
   * Delegated: a refresh token obtained once by an administrator, exchanged for access tokens;
   * a rotated refresh token is saved in the registry's {@link org.outmail.oauth.TokenStore}.
   */
  REFRESH_TOKEN
}
