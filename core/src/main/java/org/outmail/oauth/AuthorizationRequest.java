package org.outmail.oauth;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A validation started by {@link OAuthValidations#start}: send the administrator's browser to
 * {@link #authorizationUri()}; the provider sends it back to {@link #redirectUri()} with a code
 * and this {@link #state()}, which {@link OAuthValidations#complete} takes until {@link
 * #expiresAt()}.
 *
 * @param clientName the OAuth client being validated
 * @param authorizationUri where the administrator signs in and consents; it carries the state and
 *     the PKCE challenge, never the verifier or a secret
 * @param state the value the redirect must carry back, different for every validation
 * @param redirectUri where the provider redirects to: the host's callback, or the CLI's loopback
 * @param expiresAt when the validation can no longer be completed
 */
public record AuthorizationRequest(String clientName, URI authorizationUri, String state, URI redirectUri,
    Instant expiresAt) {
  /** Checks that no component is null. */
  public AuthorizationRequest {
    Objects.requireNonNull(clientName, "clientName == null");
    Objects.requireNonNull(authorizationUri, "authorizationUri == null");
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(redirectUri, "redirectUri == null");
    Objects.requireNonNull(expiresAt, "expiresAt == null");
  }
}
