package org.outmail;

/**
 * Code run after a mailbox has sent an email (the seed's "Custom Code"): update a reminder
 * counter, write an audit line, raise an event.
 *
 * <p>Hooks are found by {@link java.util.ServiceLoader} ({@code META-INF/services/org.outmail.PostSendHook})
 * or added with {@link MailboxRegistry.Builder#hook(PostSendHook)}; a mailbox runs the hooks it
 * names, in order. A hook that throws is logged and reported in {@link SendResult#hookFailures()}:
 * the mail stays sent and is never sent again.
 */
public interface PostSendHook {
  /** {@return the name mailboxes use to refer to this hook} */
  String name();

  /**
   * Runs after the transport accepted the email.
   *
   * @param sent the mailbox, the email and the result of the send
   * @throws Exception for any failure; it is logged and reported, and the mail stays sent
   */
  void afterSend(SentEmail sent) throws Exception;
}
