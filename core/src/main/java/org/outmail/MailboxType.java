package org.outmail;

/** Whether a mailbox receives ({@code IN}) or sends ({@code OUT}) mail. Only OUT mailboxes send. */
public enum MailboxType {
  IN,
  OUT
}
