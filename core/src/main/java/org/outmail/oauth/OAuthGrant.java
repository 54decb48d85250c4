package org.outmail.oauth;

/** How an OAuth client obtains access tokens. */
public enum OAuthGrant {
  /** App-only: the client's own id and secret (Microsoft 365 for Graph and SMTP). */
  CLIENT_CREDENTIALS,
  /**
   * Delegated: a refresh token exchanged for access tokens. An administrator obtains it once by
   * validating the client ({@link OAuthValidations}: authorization code with PKCE, or the device
   * code flow), or gives it in {@code refresh-token}; a rotated one is saved in the registry's
   * {@link TokenStore}.
   */
  REFRESH_TOKEN,
  /**
   * App-only for Google Workspace: a service account with domain-wide delegation signs a JWT
   * (RFC 7523) naming the mailbox's user as subject. Needs the service account's JSON key ({@code
   * service-account-key}).
   */
  JWT_BEARER
}
