package org.outmail.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.outmail.Secret;

/**
 * An OAuth access token, when it expires, and what an administrator should know about the grant it
 * came from (such as a refresh token that dies with the sign-in session). Its {@code toString}
 * never shows the token.
 *
 * @param token the token itself, never printed
 * @param expiresAt when the token stops being valid
 * @param warnings what the token response says that an administrator should act on; empty when
 *     nothing
 */
public record AccessToken(Secret token, Instant expiresAt, List<String> warnings) {
  /**
   * Creates a token.
   *
   * @param token the token itself, never printed
   * @param expiresAt when the token stops being valid
   * @param warnings what an administrator should act on; copied
   */
  public AccessToken {
    Objects.requireNonNull(token, "token == null");
    Objects.requireNonNull(expiresAt, "expiresAt == null");
    warnings = List.copyOf(warnings);
  }

  /**
   * Creates a token without warnings.
   *
   * @param token the token itself, never printed
   * @param expiresAt when the token stops being valid
   */
  public AccessToken(Secret token, Instant expiresAt) {
    this(token, expiresAt, List.of());
  }

  /**
   * Whether the token is still good for at least {@code marginSeconds}.
   *
   * @param now the current time
   * @param marginSeconds how long the token must stay valid after {@code now}
   * @return {@code true} if the token expires more than {@code marginSeconds} after {@code now}
   */
  boolean validFor(Instant now, long marginSeconds) {
    return now.plusSeconds(marginSeconds).isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "AccessToken[****, expiresAt=" + expiresAt + (warnings.isEmpty() ? "" : ", warnings=" + warnings) + "]";
  }
}
