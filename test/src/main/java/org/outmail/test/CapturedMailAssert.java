package org.outmail.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on a {@link CapturedMail}; each failure says what was expected and what the mail
 * holds. Get one with {@link OutmailAssertions#assertThat(CapturedMail)}.
 */
public final class CapturedMailAssert extends AbstractAssert<CapturedMailAssert, CapturedMail> {
  CapturedMailAssert(CapturedMail actual) {
    super(actual, CapturedMailAssert.class);
  }

  /**
   * Checks that each address is among the recipients (To, Cc or Bcc), compared without regard to
   * case.
   *
   * @param addresses the addresses the mail must have been sent to
   * @return this assertion, for chaining
   */
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

  /**
   * Checks that the recipients are exactly these (in any order, case-insensitive), no more.
   *
   * @param addresses every address the mail must have been sent to
   * @return this assertion, for chaining
   */
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

  /**
   * Checks that none of the addresses is among the recipients, compared without regard to case.
   *
   * @param addresses the addresses the mail must not have been sent to
   * @return this assertion, for chaining
   */
  public CapturedMailAssert wasNotSentTo(String... addresses) {
    isNotNull();
    List<String> present = Arrays.stream(addresses).filter(this::hasRecipient).toList();
    if (!present.isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nnot to be sent to%n  %s%nbut its recipients are%n  %s",
          actual, present, recipients());
    }
    return this;
  }

  /**
   * Checks that the mail went out through this mailbox.
   *
   * @param mailboxId the id of the mailbox
   * @return this assertion, for chaining
   */
  public CapturedMailAssert wasSentBy(String mailboxId) {
    isNotNull();
    if (!actual.mailboxId().equals(mailboxId)) {
      failWithMessage("%nExpecting mail%n  %s%nto be sent by mailbox '%s' but it was sent by mailbox '%s'",
          actual, mailboxId, actual.mailboxId());
    }
    return this;
  }

  /**
   * Checks that the From address is this one, compared without regard to case.
   *
   * @param address the expected From address
   * @return this assertion, for chaining
   */
  public CapturedMailAssert isFrom(String address) {
    isNotNull();
    if (!actual.fromAddress().equalsIgnoreCase(address)) {
      failWithMessage("%nExpecting mail%n  %s%nto be from%n  %s%nbut it is from%n  %s", actual, address,
          actual.fromAddress());
    }
    return this;
  }

  /**
   * Checks that the subject as sent, tag included, is exactly this.
   *
   * @param subject the expected subject
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasSubject(String subject) {
    isNotNull();
    if (!actual.subject().equals(subject)) {
      failWithMessage("%nExpecting subject%n  \"%s\"%nbut was%n  \"%s\"%nin mail %s", subject, actual.subject(),
          actual);
    }
    return this;
  }

  /**
   * Checks that the subject as sent contains the text.
   *
   * @param text the text the subject must contain
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasSubjectContaining(String text) {
    isNotNull();
    if (!actual.subject().contains(text)) {
      failWithMessage("%nExpecting subject%n  \"%s\"%nto contain%n  \"%s\"%nin mail %s", actual.subject(), text,
          actual);
    }
    return this;
  }

  /**
   * Checks that the mail belongs to this record.
   *
   * @param recordId the record's id
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasRecordId(String recordId) {
    isNotNull();
    if (!actual.recordId().equals(Optional.of(recordId))) {
      failWithMessage("%nExpecting mail%n  %s%nto belong to record '%s' but %s", actual, recordId,
          actual.recordId().map(r -> "it belongs to record '" + r + "'").orElse("it names no record"));
    }
    return this;
  }

  /**
   * Checks that the mail names no record.
   *
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasNoRecordId() {
    isNotNull();
    if (actual.recordId().isPresent()) {
      failWithMessage("%nExpecting mail%n  %s%nto name no record but it belongs to record '%s'", actual,
          actual.recordId().get());
    }
    return this;
  }

  /**
   * Checks that the Message-ID is this one.
   *
   * @param messageId the expected Message-ID, with angle brackets, as in {@link
   *     org.outmail.SendResult#messageId()}
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasMessageId(String messageId) {
    isNotNull();
    if (!actual.messageId().equals(messageId)) {
      failWithMessage("%nExpecting Message-ID%n  %s%nbut was%n  %s%nin mail %s", messageId, actual.messageId(), actual);
    }
    return this;
  }

  /**
   * Checks that the mail has the custom header, whatever its value; the name is compared without
   * regard to case.
   *
   * @param name the header's name
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasHeader(String name) {
    isNotNull();
    if (actual.header(name).isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nto have header '%s' but its headers are%n  %s", actual, name,
          actual.headers());
    }
    return this;
  }

  /**
   * Checks that the mail has the custom header with exactly this value; the name is compared
   * without regard to case.
   *
   * @param name the header's name
   * @param value the expected value
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasHeader(String name, String value) {
    hasHeader(name);
    String found = actual.header(name).orElseThrow();
    if (!found.equals(value)) {
      failWithMessage("%nExpecting header '%s' of mail%n  %s%nto be%n  \"%s\"%nbut was%n  \"%s\"", name, actual, value,
          found);
    }
    return this;
  }

  /**
   * Checks that the mail does not have the custom header; the name is compared without regard to
   * case.
   *
   * @param name the header's name
   * @return this assertion, for chaining
   */
  public CapturedMailAssert doesNotHaveHeader(String name) {
    isNotNull();
    if (actual.header(name).isPresent()) {
      failWithMessage("%nExpecting mail%n  %s%nnot to have header '%s' but it is%n  \"%s\"", actual, name,
          actual.header(name).get());
    }
    return this;
  }

  /**
   * Checks that the mail has a plain-text body and that it contains each text.
   *
   * @param texts the texts the body must contain
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasTextContaining(String... texts) {
    isNotNull();
    return bodyContains("text", actual.text().orElse(null), texts);
  }

  /**
   * Checks that the mail has an HTML body and that it contains each text.
   *
   * @param texts the texts the body must contain
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasHtmlContaining(String... texts) {
    isNotNull();
    return bodyContains("html", actual.html().orElse(null), texts);
  }

  /**
   * Checks that the mail has an attachment with this file name.
   *
   * @param filename the file name, compared exactly
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasAttachmentNamed(String filename) {
    isNotNull();
    if (actual.attachment(filename).isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nto have an attachment named '%s' but its attachments are%n  %s",
          actual, filename, actual.attachments());
    }
    return this;
  }

  /**
   * Checks that the mail has an attachment with this file name and exactly these bytes.
   *
   * @param filename the file name, compared exactly
   * @param content the expected bytes
   * @return this assertion, for chaining
   */
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

  /**
   * Checks that the mail has no attachment.
   *
   * @return this assertion, for chaining
   */
  public CapturedMailAssert hasNoAttachments() {
    isNotNull();
    if (!actual.attachments().isEmpty()) {
      failWithMessage("%nExpecting mail%n  %s%nto have no attachment but it has%n  %s", actual, actual.attachments());
    }
    return this;
  }

  private CapturedMailAssert bodyContains(String part, @Nullable String body, String... texts) {
    if (body == null) {
      failWithMessage("%nExpecting the %s body of mail%n  %s%nto contain%n  %s%nbut the mail has no %s body",
          part, actual, Arrays.asList(texts), part);
    }
    List<String> missing = Arrays.stream(texts).filter(t -> !body.contains(t)).toList();
    if (!missing.isEmpty()) {
      failWithMessage(
          "%nExpecting the %s body of mail%n  %s%nto contain%n  %s%nbut it does not contain%n  %s%nbody:%n  %s",
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
