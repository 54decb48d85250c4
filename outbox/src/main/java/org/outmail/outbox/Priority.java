package org.outmail.outbox;

/**
 * Which mail goes first when several are due for a mailbox: every due {@link #URGENT} mail before
 * any {@link #NORMAL} one, every due normal mail before any {@link #BULK} one. A password reset
 * enqueued as urgent goes with the next claim even when 100,000 newsletter mails wait as bulk; bulk
 * mail never holds up normal mail. Rate limits count every priority alike.
 */
public enum Priority {
  /** Someone is waiting for it: a password reset, a sign-up confirmation, a one-time code. */
  URGENT(0),
  /** The default: notifications about records. */
  NORMAL(1),
  /** Mail that may wait behind the rest: digests, newsletters, mass notifications. */
  BULK(2);

  private final int rank;

  Priority(int rank) {
    this.rank = rank;
  }

  /**
   * The stored value: 0 urgent, 1 normal, 2 bulk; claims read due mail in this order. Written out
   * rather than the declaration order, so reordering the constants cannot change stored rows' meaning.
   */
  int rank() {
    return rank;
  }

  /** The priority stored as {@code rank}. */
  static Priority ofRank(int rank) {
    for (Priority p : values()) {
      if (p.rank == rank) {
        return p;
      }
    }
    throw new IllegalArgumentException("no priority has the stored rank " + rank);
  }
}
