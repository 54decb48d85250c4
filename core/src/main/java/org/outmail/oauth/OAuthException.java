package org.outmail.oauth;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;

/**
 * An access token could not be obtained: the token endpoint was unreachable, refused the client's
 * credentials, or the consent is missing. Carries the provider's error code (e.g. {@code
 * invalid_client}, {@code AADSTS7000215}), never the secret.
 */
public class OAuthException extends MailException {
  private static final long serialVersionUID = 1L;

  /** The provider's error code, or {@code null}. */
  private final @Nullable String errorCode;
  /** Whether asking again later may succeed. */
  private final boolean transientFailure;

  /**
   * Creates the exception.
   *
   * @param message what failed, without a secret
   * @param errorCode the provider's error code, or {@code null} when it sent none
   * @param transientFailure {@code true} if asking again later may succeed
   * @param cause the exception that caused this one, or {@code null}
   */
  public OAuthException(String message, @Nullable String errorCode, boolean transientFailure,
      @Nullable Throwable cause) {
    super(null, message, cause);
    this.errorCode = errorCode;
    this.transientFailure = transientFailure;
  }

  /** {@return the provider's error code, if it sent one} */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /**
   * {@return whether asking again later may succeed (the endpoint was unreachable or overloaded)}
   */
  public boolean isTransient() {
    return transientFailure;
  }
}
