package org.outmail.oauth;

import java.time.Instant;
import java.util.Objects;
import org.outmail.Secret;

/** An OAuth access token and when it expires. Its {@code toString} never shows the token. */
public record AccessToken(Secret token, Instant expiresAt) {
  /**
   * Creates a token.
   *
   * @param token the token itself, never printed
   * @param expiresAt when the token stops being valid
   */
  public AccessToken {
    Objects.requireNonNull(token, "token == null");
    Objects.requireNonNull(expiresAt, "expiresAt == null");
  }

  /**
   * Whether the token is still good for at least {@code marginSeconds}.
   *
   * @param now the current time
   * @param marginSeconds how long the token must stay valid after {@code now}
   * @return {@code true} if the token expires more than {@code marginSeconds} after {@code now}
   */
  public boolean validFor(Instant now, long marginSeconds) {
    return now.plusSeconds(marginSeconds).isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "AccessToken[****, expiresAt=" + expiresAt + "]";
  }
}
