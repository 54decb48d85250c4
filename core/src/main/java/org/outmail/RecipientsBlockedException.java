package org.outmail;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every recipient of an email was blocked by the mailbox's rules (exclude expression, allowed
 * emails): nothing was sent and the transport was never called.
 */
public class RecipientsBlockedException extends MailException {
  private static final long serialVersionUID = 1L;

  /** Each blocked address with the reason it was blocked. */
  private final Map<String, BlockReason> blocked;

  /**
   * Creates the exception for a send whose every recipient was blocked.
   *
   * @param mailboxId the mailbox's id
   * @param blocked each blocked address with the reason it was blocked
   */
  public RecipientsBlockedException(String mailboxId, Map<String, BlockReason> blocked) {
    super(mailboxId, mailboxPrefix(mailboxId) + "every recipient was blocked, nothing was sent: " + blocked);
    this.blocked = Collections.unmodifiableMap(new LinkedHashMap<>(blocked));
  }

  /** {@return each blocked address with the reason it was blocked, in the order given} */
  public Map<String, BlockReason> blockedRecipients() {
    return blocked;
  }
}
