/**
 * Named outgoing mailboxes for a host application.
 *
 * <p>A {@link org.outmail.MailboxRegistry} holds the configured {@link org.outmail.Mailbox}es (the
 * administrator's grid), built in code or loaded from a properties file. Mail goes out through an
 * {@link org.outmail.OutgoingMailer}: {@code registry.defaultOutgoing().send(email)}, or {@code
 * registry.forRecord(record.mailboxId())} for a record that names its own mailbox.
 *
 * <p>A send runs one way: the mailbox must be enabled; recipients are normalised, de-duplicated and
 * filtered (exclude expression, allowed emails); the subject gets the record's tag ({@link
 * org.outmail.SubjectPrefix}); the message goes to the mailbox's transport (found by {@link
 * java.util.ServiceLoader} for its protocol), which retries transient failures; the {@link
 * org.outmail.SendResult} goes to the mailbox's {@link org.outmail.PostSendHook}s.
 *
 * <p>Every exception extends {@link org.outmail.MailException}. Nothing here accepts or returns
 * null unless its documentation says so; optional values are {@link java.util.Optional}.
 */
package org.outmail;
