package org.outmail;

/**
 * The host application's user directory, asked by mailboxes whose allowed emails are {@link
 * AllowedEmails#REGISTERED_ONLY}.
 */
@FunctionalInterface
public interface RecipientDirectory {
  /**
   * Whether the address (normalised: trimmed, domain in lower case ASCII) belongs to a registered
   * user.
   *
   * @param address the recipient's address
   * @return {@code true} if a registered user has this address
   */
  boolean isRegistered(String address);
}
