package org.outmail.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A completed validation: the client's refresh token is in the token store.
 *
 * @param clientName the OAuth client validated
 * @param scopes the scopes the provider granted (those asked for when it does not say)
 * @param validatedAt when the refresh token was stored
 */
public record OAuthValidation(String clientName, List<String> scopes, Instant validatedAt) {
  /** Checks that no component is null and copies the scopes. */
  public OAuthValidation {
    Objects.requireNonNull(clientName, "clientName == null");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(validatedAt, "validatedAt == null");
  }
}
