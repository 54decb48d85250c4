package org.outmail.test;

import java.io.IOException;
import java.io.InputStream;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.spi.OutgoingMessage;

/**
 * A mail as a transport would have sent it: after the pipeline ran (recipients filtered and
 * normalised, subject tagged, From and Message-ID fixed), with the attachments' bytes read. An
 * immutable value: two captured mails are equal when everything in them is.
 */
public final class CapturedMail {
  private final String mailboxId;
  private final String messageId;
  private final @Nullable String recordId;
  private final String fromAddress;
  private final @Nullable String fromName;
  private final List<String> to;
  private final List<String> cc;
  private final List<String> bcc;
  private final List<String> replyTo;
  private final String subject;
  private final @Nullable String text;
  private final @Nullable String html;
  private final Map<String, String> headers;
  private final List<CapturedAttachment> attachments;
  private final ZonedDateTime date;

  private CapturedMail(OutgoingMessage m, List<CapturedAttachment> attachments) {
    this.mailboxId = m.mailbox().id();
    this.messageId = m.messageId();
    this.recordId = m.recordId().orElse(null);
    this.fromAddress = m.fromAddress();
    this.fromName = m.fromName().orElse(null);
    this.to = m.to();
    this.cc = m.cc();
    this.bcc = m.bcc();
    this.replyTo = m.replyTo();
    this.subject = m.subject();
    this.text = m.text().orElse(null);
    this.html = m.html().orElse(null);
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(m.headers()));
    this.attachments = List.copyOf(attachments);
    this.date = m.date();
  }

  /**
   * Captures a message, reading every attachment.
   *
   * @throws CannotRead naming the attachment that cannot be read
   */
  static CapturedMail of(OutgoingMessage m) throws CannotRead {
    List<CapturedAttachment> read = new ArrayList<>();
    for (Attachment a : m.attachments()) {
      try (InputStream in = a.open()) {
        read.add(new CapturedAttachment(a.filename(), a.contentType(), in.readAllBytes()));
      } catch (IOException e) {
        throw new CannotRead(a, e);
      }
    }
    return new CapturedMail(m, read);
  }

  /** An attachment of the message could not be read. */
  static final class CannotRead extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Attachment attachment;

    CannotRead(Attachment attachment, IOException cause) {
      super(cause);
      this.attachment = attachment;
    }
  }

  /** {@return the id of the mailbox that sent it} */
  public String mailboxId() {
    return mailboxId;
  }

  /**
   * {@return the Message-ID, with angle brackets, as in {@link org.outmail.SendResult#messageId()}}
   */
  public String messageId() {
    return messageId;
  }

  /** {@return the record the mail belongs to, if the email named one} */
  public Optional<String> recordId() {
    return Optional.ofNullable(recordId);
  }

  /** {@return the From address: the mailbox's email display} */
  public String fromAddress() {
    return fromAddress;
  }

  /** {@return the From display name, if the mailbox has one} */
  public Optional<String> fromName() {
    return Optional.ofNullable(fromName);
  }

  /** {@return the To recipients, filtered and normalised, in order} */
  public List<String> to() {
    return to;
  }

  /** {@return the Cc recipients, filtered and normalised, in order} */
  public List<String> cc() {
    return cc;
  }

  /** {@return the Bcc recipients, filtered and normalised, in order} */
  public List<String> bcc() {
    return bcc;
  }

  /** {@return every recipient the server would have been given: To, Cc, then Bcc} */
  public List<String> recipients() {
    List<String> all = new ArrayList<>(to);
    all.addAll(cc);
    all.addAll(bcc);
    return Collections.unmodifiableList(all);
  }

  /** {@return the Reply-To addresses, normalised, in order} */
  public List<String> replyTo() {
    return replyTo;
  }

  /** {@return the subject as sent, with the mailbox's tag: {@code [TICKET#4711] Printer jammed}} */
  public String subject() {
    return subject;
  }

  /** {@return the plain-text body, if there is one} */
  public Optional<String> text() {
    return Optional.ofNullable(text);
  }

  /** {@return the HTML body, if there is one} */
  public Optional<String> html() {
    return Optional.ofNullable(html);
  }

  /** {@return the custom headers of the email, in the order given} */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * {@return the value of a custom header, if the email has it}
   *
   * @param name the header's name, compared without regard to case
   */
  public Optional<String> header(String name) {
    Objects.requireNonNull(name, "name == null");
    String lower = name.toLowerCase(Locale.ROOT);
    return headers.entrySet().stream()
        .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(lower))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** {@return the attachments with their bytes, in order} */
  public List<CapturedAttachment> attachments() {
    return attachments;
  }

  /**
   * {@return the first attachment with the file name, if there is one}
   *
   * @param filename the file name, compared exactly
   */
  public Optional<CapturedAttachment> attachment(String filename) {
    Objects.requireNonNull(filename, "filename == null");
    return attachments.stream().filter(a -> a.filename().equals(filename)).findFirst();
  }

  /** {@return the Date of the message} */
  public ZonedDateTime date() {
    return date;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CapturedMail m && mailboxId.equals(m.mailboxId) && messageId.equals(m.messageId)
        && Objects.equals(recordId, m.recordId) && fromAddress.equals(m.fromAddress)
        && Objects.equals(fromName, m.fromName)
        && to.equals(m.to) && cc.equals(m.cc) && bcc.equals(m.bcc) && replyTo.equals(m.replyTo)
        && subject.equals(m.subject)
        && Objects.equals(text, m.text) && Objects.equals(html, m.html) && headers.equals(m.headers)
        && attachments.equals(m.attachments) && date.equals(m.date);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mailboxId, messageId, recordId, subject, to, cc, bcc);
  }

  /** One line: mailbox, subject, recipients, attachments by name. Never the bodies. */
  @Override
  public String toString() {
    return "CapturedMail{mailbox=" + mailboxId + ", subject=\"" + subject + "\", to=" + to
        + (cc.isEmpty() ? "" : ", cc=" + cc) + (bcc.isEmpty() ? "" : ", bcc=" + bcc)
        + (recordId == null ? "" : ", record=" + recordId)
        + (attachments.isEmpty() ? ""
            : ", attachments=" + attachments.stream().map(CapturedAttachment::filename).toList())
        + "}";
  }
}
