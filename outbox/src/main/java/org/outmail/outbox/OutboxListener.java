package org.outmail.outbox;

/**
 * Told when a mail will not be delivered: {@link OutboxState#FAILED}, {@link OutboxState#EXPIRED}
 * or {@link OutboxState#UNKNOWN}. Called on a worker thread of the node that recorded the outcome,
 * after it is stored; a listener that throws is logged and does not change the mail's state.
 */
@FunctionalInterface
public interface OutboxListener {
  /**
   * Called once the mail's final state is stored.
   *
   * @param entry the mail, in state FAILED, EXPIRED or UNKNOWN, with its last error
   * @throws Exception logged; the mail's state stays as it is
   */
  void onFailure(OutboxEntry entry) throws Exception;
}
