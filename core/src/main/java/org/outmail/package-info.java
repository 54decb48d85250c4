/**
 * Named outgoing mailboxes for a host application.
 *
 * <p>A {@link org.outmail.MailboxRegistry} holds the configured {@link org.outmail.Mailbox}es (the
 * administrator's grid), built in code or loaded from a properties file. Mail goes out through an
 * {@link org.outmail.OutgoingMailer}: {@code registry.defaultOutgoing().send(email)}, or {@code
 * registry.forRecord(record.mailboxId())} for a record that names its own mailbox; {@code
 * sendAsync} runs the same send on the registry's bounded executor, and closing the registry
 * completes every future it handed out.
 *
 * <p>A send runs one way: the mailbox must be enabled; recipients are normalised, de-duplicated and
 * filtered (exclude expression, allowed emails); the subject gets the record's tag ({@link
 * org.outmail.SubjectPrefix}); the message goes to the mailbox's transport (found by {@link
 * java.util.ServiceLoader} for its protocol), which retries transient failures; the {@link
 * org.outmail.SendResult} goes to the mailbox's {@link org.outmail.PostSendHook}s.
 *
 * <p>Settings are described once, as {@link org.outmail.Setting}s: {@link
 * org.outmail.Mailbox#textForm()} lists a mailbox's own fields (the seed's, and what every transport
 * shares), and each transport's {@link org.outmail.spi.TransportProvider#settings()} lists the
 * settings it owns ({@code smtp.max-connections}; typed in code as the transport's {@link
 * org.outmail.TransportOptions}, such as {@code SmtpOptions} and {@code OwaOptions}). The properties
 * loader, {@link org.outmail.TextForm#set}, forms and tools read these descriptions. OAuth
 * clients, access tokens and the token store are in {@link org.outmail.oauth}; the transport SPI
 * is in {@link org.outmail.spi}.
 *
 * <p>This package holds what hosts use: the contract's names, the values, exceptions and listener
 * interfaces they see. The engine behind the registry and the mailer is in {@code
 * org.outmail.internal}, which is not API: hosts never import it, no signature here names it, and
 * it may change in any release. The rule: what no host needs is package-private, or internal when
 * another package of outmail needs it. The public surface of {@code org.outmail}, {@code
 * org.outmail.spi} and {@code org.outmail.oauth} is counted on every build (606 public methods;
 * 80 of 115 types public, 30% package-private) and may not grow unnoticed.
 *
 * <p>Builders check each argument in the setter and say in each setter's documentation what a
 * second call does (replace, add, or refuse). Every exception extends {@link
 * org.outmail.MailException}: bad configuration is a {@link org.outmail.MailboxConfigException}, a
 * bad email or attachment an {@link org.outmail.InvalidEmailException}, a failed hand-over a {@link
 * org.outmail.TransportException}; messages about a mailbox start with {@code mailbox 'id': }
 * ({@link org.outmail.MailException#mailboxPrefix}). Nothing here accepts or returns null unless
 * its documentation says so; optional values are {@link java.util.Optional}.
 */
@NullMarked
package org.outmail;

import org.jspecify.annotations.NullMarked;
