package org.outmail;

/** The mailbox's status is disabled: nothing was sent. */
public class MailboxDisabledException extends MailException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for a send through a disabled mailbox.
   *
   * @param mailboxId the disabled mailbox's id
   */
  public MailboxDisabledException(String mailboxId) {
    super(mailboxId, mailboxLabel(mailboxId) + " is disabled: nothing was sent");
  }
}
