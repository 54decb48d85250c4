package org.outmail.console;

import org.jspecify.annotations.Nullable;
import org.outmail.MailException;

/** The console cannot start as configured: no credentials, no login off loopback, a port in use. */
public class ConsoleException extends MailException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what is wrong, without a secret
   * @param cause the cause, or {@code null}
   */
  public ConsoleException(String message, @Nullable Throwable cause) {
    super(null, message, cause);
  }
}
