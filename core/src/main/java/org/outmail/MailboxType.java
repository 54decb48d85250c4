package org.outmail;

/** Whether a mailbox receives ({@code IN}) or sends ({@code OUT}) mail. Only OUT mailboxes send. */
public enum MailboxType {
  /** A mailbox that receives mail; it has no {@link OutgoingMailer}. */
  IN,
  /** A mailbox that sends mail. */
  OUT
}
