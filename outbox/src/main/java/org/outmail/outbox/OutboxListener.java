package org.outmail.outbox;

/**
 * Told when a mail will not be delivered: {@link OutboxState#FAILED}, {@link OutboxState#EXPIRED}
 * or {@link OutboxState#UNKNOWN}. Called on a worker thread of the node that recorded the outcome,
 * after it is stored; a listener that throws is logged and does not change the mail's state.
 *
 * @deprecated the outbox's events are {@link org.outmail.MailEvent}s, heard by one listener type:
 *     give a {@link org.outmail.SendListener} to {@link Outbox.Builder#listener} and override {@link
 *     org.outmail.SendListener#deliveryRecorded}; {@link org.outmail.MailEvent.Delivery#dead()} is
 *     the mail this listener hears of. This interface goes in a later release.
 */
@Deprecated
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
