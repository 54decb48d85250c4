package org.outmail.oauth;

import org.jspecify.annotations.Nullable;
import org.outmail.MailException;

/**
 * A {@link TokenStore} could not read or save a refresh token (for example the directory of a
 * {@link TokenStore#file file store} is read-only). The message names the OAuth client and where
 * the store keeps its tokens, never a token.
 *
 * <p>{@link AccessTokens} does not let a failed save fail a send: it keeps the rotated refresh
 * token in memory, logs the failure at ERROR and saves again on the next token request.
 */
public class TokenStoreException extends MailException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception about a token store.
   *
   * @param message what failed, naming the OAuth client and where the store keeps its tokens
   * @param cause the exception that caused this one, or {@code null}
   */
  public TokenStoreException(String message, @Nullable Throwable cause) {
    super(null, message, cause);
  }
}
