package org.outmail.outbox;

/**
 * Told when a mail will not be delivered: {@link OutboxState#FAILED}, {@link OutboxState#EXPIRED}
 * or {@link OutboxState#UNKNOWN}. Called on a worker thread of the node that recorded the outcome,
 * after it is stored; a listener that throws is logged and does not change the mail's state.
 */
@FunctionalInterface
public interface OutboxListener {
  void onFailure(OutboxEntry entry) throws Exception;
}
