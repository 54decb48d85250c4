package org.outmail.oauth;

import java.time.Instant;
import java.util.Objects;
import org.outmail.Secret;

/** An OAuth access token and when it expires. Its {@code toString} never shows the token. */
public record AccessToken(Secret token, Instant expiresAt) {
  public AccessToken {
    Objects.requireNonNull(token, "token == null");
    Objects.requireNonNull(expiresAt, "expiresAt == null");
  }

  /** Whether the token is still good for at least {@code marginSeconds}. */
  public boolean validFor(Instant now, long marginSeconds) {
    return now.plusSeconds(marginSeconds).isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "AccessToken[****, expiresAt=" + expiresAt + "]";
  }
}
