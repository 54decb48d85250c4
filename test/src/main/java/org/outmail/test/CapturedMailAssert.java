package org.outmail.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link CapturedMail}; each failure says what was expected and what the mail
 * holds. Get one with {@link OutmailAssertions#assertThat(CapturedMail)}.
 */
public final class CapturedMailAssert extends AbstractAssert<CapturedMailAssert, CapturedMail> {
  CapturedMailAssert(CapturedMail actual) {
    super(actual, CapturedMailAssert.class);
  }

  /** Each address is among the recipients (To, Cc or Bcc), compared without regard to case. */
  public CapturedMailAssert wasSentTo(String... addresses) {
    isNotNull();
    List<String> missing = new ArrayList<>();
    for (String a : addresses) {
      if (!hasRecipient(a)) {
        missing.add(a);
      }
    }
    if (!missing.isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nto be sent to%n  %s%nbut it was not sent to%n  %s%nits recipients: %s",
          actual, Arrays.asList(addresses), missing, recipients());
    }
    return this;
  }

  /** The recipients are exactly these (in any order, case-insensitive), no more. */
  public CapturedMailAssert wasSentOnlyTo(String... addresses) {
    wasSentTo(addresses);
    List<String> extra = actual.recipients().stream()
        .filter(r -> Arrays.stream(addresses).noneMatch(r::equalsIgnoreCase)).toList();
    if (!extra.isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nto be sent only to%n  %s%nbut it was also sent to%n  %s",
          actual, Arrays.asList(addresses), extra);
    }
    return this;
  }

  /** None of the addresses is among the recipients. */
  public CapturedMailAssert wasNotSentTo(String... addresses) {
    isNotNull();
    List<String> present = Arrays.stream(addresses).filter(this::hasRecipient).toList();
    if (!present.isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nnot to be sent to%n  %s%nbut its recipients are%n  %s",
          actual, present, recipients());
    }
    return this;
  }

  /** The mail went out through this mailbox. */
  public CapturedMailAssert wasSentBy(String mailboxId) {
    isNotNull();
    if (!actual.mailboxId().equals(mailboxId)) {
      failWithMessage("%nExpecting mail%n  %s%nto be sent by mailbox '%s' but it was sent by mailbox '%s'",
          actual, mailboxId, actual.mailboxId());
    }
    return this;
  }

  /** The From address is this one. */
  public CapturedMailAssert isFrom(String address) {
    isNotNull();
    if (!actual.fromAddress().equalsIgnoreCase(address)) {
      failWithMessage("%nExpecting mail%n  %s%nto be from%n  %s%nbut it is from%n  %s", actual, address, actual.fromAddress());
    }
    return this;
  }

  /** The subject as sent, tag included, is exactly this. */
  public CapturedMailAssert hasSubject(String subject) {
    isNotNull();
    if (!actual.subject().equals(subject)) {
      failWithMessage("%nExpecting subject%n  \"%s\"%nbut was%n  \"%s\"%nin mail %s", subject, actual.subject(), actual);
    }
    return this;
  }

  /** The subject as sent contains the text. */
  public CapturedMailAssert hasSubjectContaining(String text) {
    isNotNull();
    if (!actual.subject().contains(text)) {
      failWithMessage("%nExpecting subject%n  \"%s\"%nto contain%n  \"%s\"%nin mail %s", actual.subject(), text, actual);
    }
    return this;
  }

  /** The mail belongs to this record. */
  public CapturedMailAssert hasRecordId(String recordId) {
    isNotNull();
    if (!actual.recordId().equals(Optional.of(recordId))) {
      failWithMessage("%nExpecting mail%n  %s%nto belong to record '%s' but %s", actual, recordId,
          actual.recordId().map(r -> "it belongs to record '" + r + "'").orElse("it names no record"));
    }
    return this;
  }

  /** The mail names no record. */
  public CapturedMailAssert hasNoRecordId() {
    isNotNull();
    if (actual.recordId().isPresent()) {
      failWithMessage("%nExpecting mail%n  %s%nto name no record but it belongs to record '%s'", actual, actual.recordId().get());
    }
    return this;
  }

  /** The Message-ID is this one (with angle brackets, as in {@link org.outmail.SendResult#messageId()}). */
  public CapturedMailAssert hasMessageId(String messageId) {
    isNotNull();
    if (!actual.messageId().equals(messageId)) {
      failWithMessage("%nExpecting Message-ID%n  %s%nbut was%n  %s%nin mail %s", messageId, actual.messageId(), actual);
    }
    return this;
  }

  /** The mail has the custom header, whatever its value; the name is compared without regard to case. */
  public CapturedMailAssert hasHeader(String name) {
    isNotNull();
    if (actual.header(name).isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nto have header '%s' but its headers are%n  %s", actual, name, actual.headers());
    }
    return this;
  }

  /** The mail has the custom header with exactly this value. */
  public CapturedMailAssert hasHeader(String name, String value) {
    hasHeader(name);
    String found = actual.header(name).orElseThrow();
    if (!found.equals(value)) {
      failWithMessage("%nExpecting header '%s' of mail%n  %s%nto be%n  \"%s\"%nbut was%n  \"%s\"", name, actual, value, found);
    }
    return this;
  }

  /** The mail does not have the custom header. */
  public CapturedMailAssert doesNotHaveHeader(String name) {
    isNotNull();
    if (actual.header(name).isPresent()) {
      failWithMessage("%nExpecting mail%n  %s%nnot to have header '%s' but it is%n  \"%s\"", actual, name, actual.header(name).get());
    }
    return this;
  }

  /** The plain-text body contains each text. */
  public CapturedMailAssert hasTextContaining(String... texts) {
    isNotNull();
    return bodyContains("text", actual.text().orElse(null), texts);
  }

  /** The HTML body contains each text. */
  public CapturedMailAssert hasHtmlContaining(String... texts) {
    isNotNull();
    return bodyContains("html", actual.html().orElse(null), texts);
  }

  /** The mail has an attachment with this file name. */
  public CapturedMailAssert hasAttachmentNamed(String filename) {
    isNotNull();
    if (actual.attachment(filename).isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nto have an attachment named '%s' but its attachments are%n  %s",
          actual, filename, actual.attachments());
    }
    return this;
  }

  /** The mail has an attachment with this file name and exactly these bytes. */
  public CapturedMailAssert hasAttachment(String filename, byte[] content) {
    Objects.requireNonNull(content, "content == null");
    hasAttachmentNamed(filename);
    CapturedAttachment a = actual.attachment(filename).orElseThrow();
    if (!Arrays.equals(a.content(), content)) {
      failWithMessage("%nExpecting attachment '%s' of mail%n  %s%nto have the %d bytes given but it has %d other bytes",
          filename, actual, content.length, a.size());
    }
    return this;
  }

  /** The mail has no attachment. */
  public CapturedMailAssert hasNoAttachments() {
    isNotNull();
    if (!actual.attachments().isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nto have no attachment but it has%n  %s", actual, actual.attachments());
    }
    return this;
  }

  private CapturedMailAssert bodyContains(String part, String body, String... texts) {
    if (body == null) {
      failWithMessage("%nExpecting the %s body of mail%n  %s%nto contain%n  %s%nbut the mail has no %s body",
          part, actual, Arrays.asList(texts), part);
    }
    List<String> missing = Arrays.stream(texts).filter(t -> !body.contains(t)).toList();
    if (!missing.isEmpty()) {
      failWithMessage("%nExpecting the %s body of mail%n  %s%nto contain%n  %s%nbut it does not contain%n  %s%nbody:%n  %s",
          part, actual, Arrays.asList(texts), missing, body);
    }
    return this;
  }

  private boolean hasRecipient(String address) {
    return actual.recipients().stream().anyMatch(r -> r.equalsIgnoreCase(address));
  }

  private String recipients() {
    return "to=" + actual.to() + ", cc=" + actual.cc() + ", bcc=" + actual.bcc();
  }
}
