package org.outmail.oauth;

import java.util.Optional;
import org.outmail.MailException;

/**
 * An access token could not be obtained: the token endpoint was unreachable, refused the client's
 * credentials, or the consent is missing. Carries the provider's error code (e.g. {@code
 * invalid_client}, {@code AADSTS7000215}), never the secret.
 */
public class OAuthException extends MailException {
  private static final long serialVersionUID = 1L;

  private final String errorCode;
  private final boolean transientFailure;

  public OAuthException(String message, String errorCode, boolean transientFailure, Throwable cause) {
    super(null, message, cause);
    this.errorCode = errorCode;
    this.transientFailure = transientFailure;
  }

  /** The provider's error code, if it sent one. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** Whether asking again later may succeed (the endpoint was unreachable or overloaded). */
  public boolean isTransient() {
    return transientFailure;
  }
}
