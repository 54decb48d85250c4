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
 * @param warnings what the administrator should act on although the validation succeeded (a
 *     refresh token that lives only as long as the sign-in session); empty when nothing
 */
public record OAuthValidation(String clientName, List<String> scopes, Instant validatedAt, List<String> warnings) {
  /**
   * Checks that no component is null and copies the lists.
   *
   * @param clientName the OAuth client validated
   * @param scopes the scopes the provider granted
   * @param validatedAt when the refresh token was stored
   * @param warnings what the administrator should act on
   */
  public OAuthValidation {
    Objects.requireNonNull(clientName, "clientName == null");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(validatedAt, "validatedAt == null");
    warnings = List.copyOf(warnings);
  }

  /**
   * A validation without warnings.
   *
   * @param clientName the OAuth client validated
   * @param scopes the scopes the provider granted
   * @param validatedAt when the refresh token was stored
   */
  public OAuthValidation(String clientName, List<String> scopes, Instant validatedAt) {
    this(clientName, scopes, validatedAt, List.of());
  }
}
