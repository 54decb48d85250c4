package org.outmail.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A completed validation: the client's refresh token is in the token store.
 *
 * @param clientName the OAuth client validated
 * @param scopes the scopes the provider granted (those asked for when it does not say)
 * @param validatedAt when the refresh token was stored
 * @param warnings what the administrator should act on although the validation succeeded (a
 *     refresh token that lives only as long as the sign-in session); empty when nothing
 * @param accessTokenExpiresAt when the access token issued with the refresh token expires, when
 *     the provider said ({@code expires_in}); mail keeps going after it, with tokens refreshed
 * @param refreshTokenExpiresAt when the refresh token itself expires, when the provider said
 *     ({@code refresh_expires_in} or {@code refresh_token_expires_in}); empty: until revoked or
 *     left unused for the provider's limit. Mail stops then unless the client is validated again
 */
public record OAuthValidation(String clientName, List<String> scopes, Instant validatedAt, List<String> warnings,
    Optional<Instant> accessTokenExpiresAt, Optional<Instant> refreshTokenExpiresAt) {
  /**
   * Checks that no component is null and copies the lists.
   *
   * @param clientName the OAuth client validated
   * @param scopes the scopes the provider granted
   * @param validatedAt when the refresh token was stored
   * @param warnings what the administrator should act on
   * @param accessTokenExpiresAt when the access token expires, if said
   * @param refreshTokenExpiresAt when the refresh token expires, if said
   */
  public OAuthValidation {
    Objects.requireNonNull(clientName, "clientName == null");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(validatedAt, "validatedAt == null");
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(accessTokenExpiresAt, "accessTokenExpiresAt == null");
    Objects.requireNonNull(refreshTokenExpiresAt, "refreshTokenExpiresAt == null");
  }

  /**
   * A validation whose expiries the provider did not say.
   *
   * @param clientName the OAuth client validated
   * @param scopes the scopes the provider granted
   * @param validatedAt when the refresh token was stored
   * @param warnings what the administrator should act on
   */
  public OAuthValidation(String clientName, List<String> scopes, Instant validatedAt, List<String> warnings) {
    this(clientName, scopes, validatedAt, warnings, Optional.empty(), Optional.empty());
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
