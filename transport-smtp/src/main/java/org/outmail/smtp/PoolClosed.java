package org.outmail.smtp;

/**
 * The transport was closed while a sender asked for a connection, or waited for one. Its own type,
 * so that only this becomes the "transport closed" failure, never an unrelated bug.
 */
final class PoolClosed extends Exception {
  private static final long serialVersionUID = 1L;

  PoolClosed() {
    super("the transport is closed", null, false, false);
  }
}
