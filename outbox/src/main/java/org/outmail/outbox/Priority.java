package org.outmail.outbox;

/**
 * Which mail goes first when several are due for a mailbox: every due {@link #URGENT} mail before
 * any {@link #NORMAL} one, every due normal mail before any {@link #BULK} one. A password reset
 * enqueued as urgent goes with the next claim even when 100,000 newsletter mails wait as bulk; bulk
 * mail never holds up normal mail. Rate limits count every priority alike.
 */
public enum Priority {
  /** Someone is waiting for it: a password reset, a sign-up confirmation, a one-time code. */
  URGENT,
  /** The default: notifications about records. */
  NORMAL,
  /** Mail that may wait behind the rest: digests, newsletters, mass notifications. */
  BULK;

  /** The stored value: 0 urgent, 1 normal, 2 bulk; claims read due mail in this order. */
  int rank() {
    return ordinal();
  }
}
