package org.outmail.oauth;

/** Who issues an OAuth client's tokens; decides the default endpoints. */
public enum OAuthProvider {
  /** Microsoft identity platform (Microsoft 365, Exchange Online, Graph). */
  MICROSOFT,
  /** Google (Gmail). */
  GOOGLE,
  /** Any OAuth 2.0 server; the token endpoint must be given. */
  GENERIC
}
