package org.outmail.internal;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.SubjectPrefix;
import org.outmail.spi.OutgoingMessage;

/**
 * The message step of the pipeline: tags the subject, sets From from the mailbox and derives the
 * Message-ID from the email's unique id and the mailbox's domain (the same email always gets the
 * same Message-ID), unless the email fixes its own ({@link Email#messageId()}).
 */
public final class MessageFactory {
  private final Mailbox mailbox;
  private final @Nullable SubjectPrefix prefix;
  private final String domain;
  private final Clock clock;

  public MessageFactory(Mailbox mailbox, Clock clock) {
    this.mailbox = mailbox;
    this.prefix = mailbox.prefix().map(SubjectPrefix::of).orElse(null);
    String from = Objects.requireNonNull(mailbox.emailDisplay(), "emailDisplay == null"); // an OUT mailbox has one
    this.domain = from.substring(from.lastIndexOf('@') + 1);
    this.clock = clock;
  }

  String subject(Email email) {
    if (prefix == null || email.recordId().isEmpty()) {
      return email.subject();
    }
    return prefix.apply(email.recordId().get(), email.subject());
  }

  public OutgoingMessage create(Email email, RecipientFilter.Recipients recipients) {
    return OutgoingMessage.builder(mailbox)
        .to(recipients.to())
        .cc(recipients.cc())
        .bcc(recipients.bcc())
        .replyTo(email.replyTo())
        .subject(subject(email))
        .text(email.text().orElse(null))
        .html(email.html().orElse(null))
        .attachments(email.attachments())
        .headers(email.headers())
        .messageId(email.messageId().orElse("<" + Access.get().uniqueId(email) + "@" + domain + ">"))
        .date(ZonedDateTime.now(clock))
        .recordId(email.recordId().orElse(null))
        .build();
  }
}
