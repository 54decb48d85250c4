package org.outmail.spi;

import org.outmail.CheckResult;
import org.outmail.TransportException;

/**
 * Sends messages for one mailbox. Safe for concurrent use. The registry retries transient failures
 * and runs everything else of the pipeline; a transport only hands a message over.
 */
public interface MailTransport extends AutoCloseable {
  /**
   * Hands the message to the server, once. The same message object is passed again when the
   * registry retries a transient failure: a transport may keep its encoded form for the retry,
   * keyed by that object.
   *
   * @param message the message, validated and ready to write
   * @return whom the server accepted and whom it refused
   * @throws TransportException saying whether the failure is transient, or whether the outcome is
   *     unknown, with the server's reply
   */
  TransportReceipt send(OutgoingMessage message);

  /**
   * Connects, secures, authenticates and says how it went, never throwing for a failed stage.
   *
   * @return whether the check passed, which stage failed if one did, and what happened
   */
  CheckResult check();

  /** Releases connections and threads. */
  @Override
  void close();
}
