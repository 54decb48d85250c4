package org.outmail;

/** Why a recipient was not sent to. */
public enum BlockReason {
  /** The address matches the mailbox's exclude expression. */
  EXCLUDED,
  /** The mailbox sends to registered users only and the host's directory does not know the address. */
  NOT_REGISTERED
}
