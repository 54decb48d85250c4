package org.outmail.examples.spring;

import org.outmail.Email;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.springframework.stereotype.Service;

/** Tells people about tickets and invoices, through the registry the starter made. */
@Service
public class TicketNotifier {
  private final MailboxRegistry registry;

  /**
   * Creates the notifier.
   *
   * @param registry the mailboxes of {@code application.yml}
   */
  public TicketNotifier(MailboxRegistry registry) {
    this.registry = registry;
  }

  /**
   * Mails the requester of a ticket from the mailbox the ticket names, or the default one.
   *
   * @param mailboxIdOrNull the ticket's mailbox, or {@code null}
   * @param ticketId the ticket's id: the subject gets the mailbox's tag, {@code [TICKET#4711] ...}
   * @param to the requester
   * @param subject the subject, without the tag
   * @param text the body
   * @return what was sent and to whom
   */
  public SendResult notify(String mailboxIdOrNull, String ticketId, String to, String subject, String text) {
    return registry.forRecord(mailboxIdOrNull).send(Email.builder()
        .to(to).subject(subject).text(text).recordId(ticketId).build());
  }
}
