package org.outmail;

import org.jspecify.annotations.Nullable;

/**
 * An {@link Email} or {@link Attachment} was given bad input: an address that is not one, a
 * subject or header with a line break, a header outmail sets itself, a missing recipient, subject
 * or body, an attachment file that cannot be read. Thrown by the method that was given the input
 * (the builder's setter, {@link Email.Builder#build()}, {@link Attachment#of}), so nothing is sent.
 *
 * <p>The message starts with what was wrong and where, e.g. {@code to: 'alice' is not an email
 * address (expected local@domain)} or {@code subject contains a forbidden character U+000D at index
 * 7}; {@link #field()} names the part of the email.
 */
public class InvalidEmailException extends MailException {
  private static final long serialVersionUID = 1L;

  /** The part of the email that is wrong, or {@code null} when the email as a whole is. */
  private final @Nullable String field;

  /**
   * Creates an exception about a part of an email.
   *
   * @param field the part of the email that is wrong ({@code to}, {@code subject}, {@code header
   *     X-Priority}, {@code attachment}), or {@code null} when the email as a whole is
   * @param message what is wrong, naming the field and, where there is one, the position
   */
  public InvalidEmailException(@Nullable String field, String message) {
    this(field, message, null);
  }

  /**
   * Creates an exception about a part of an email, with its cause (such as the I/O error of an
   * attachment file).
   *
   * @param field the part of the email that is wrong, or {@code null} when the email as a whole is
   * @param message what is wrong, naming the field and, where there is one, the position
   * @param cause the exception that caused this one, or {@code null}
   */
  public InvalidEmailException(@Nullable String field, String message, @Nullable Throwable cause) {
    super(null, message, cause);
    this.field = field;
  }

  /**
   * {@return the part of the email that is wrong ({@code to}, {@code cc}, {@code bcc}, {@code
   * reply-to}, {@code subject}, {@code header NAME}, {@code recordId}, {@code attachment}, ...), or
   * {@code null} when the email as a whole is (no recipient, no body)}
   */
  public @Nullable String field() {
    return field;
  }
}
