package org.outmail;

/** The mailbox's status is disabled: nothing was sent. */
public class MailboxDisabledException extends MailException {
  private static final long serialVersionUID = 1L;

  public MailboxDisabledException(String mailboxId) {
    super(mailboxId, mailboxLabel(mailboxId) + " is disabled: nothing was sent");
  }
}
