package org.outmail;

/** Which recipients a mailbox may send to. */
public enum AllowedEmails {
  /** Any valid address. */
  ANY,
  /** Only addresses the host's {@link RecipientDirectory} knows. */
  REGISTERED_ONLY
}
