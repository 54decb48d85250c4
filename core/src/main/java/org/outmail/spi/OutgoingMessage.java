package org.outmail.spi;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.Mailbox;

/**
 * A message ready for a transport: recipients already filtered and normalised, the subject already
 * tagged, the From address and Message-ID fixed. Everything here has been validated; a transport
 * writes it as it is.
 */
public final class OutgoingMessage {
  private final Mailbox mailbox;
  private final String fromAddress;
  private final @Nullable String fromName;
  private final List<String> to;
  private final List<String> cc;
  private final List<String> bcc;
  private final List<String> replyTo;
  private final String subject;
  private final @Nullable String text;
  private final @Nullable String html;
  private final List<Attachment> attachments;
  private final Map<String, String> headers;
  private final String messageId;
  private final ZonedDateTime date;
  private final @Nullable String recordId;
  /** The envelope when it is not every recipient (a retry of deferred recipients), else null. */
  private final @Nullable List<String> envelope;

  private OutgoingMessage(Builder b) {
    this.mailbox = b.mailbox;
    this.fromAddress = Objects.requireNonNull(b.mailbox.emailDisplay(), "emailDisplay == null"); // build() checked it
    this.fromName = b.mailbox.displayName().orElse(null);
    this.to = List.copyOf(b.to);
    this.cc = List.copyOf(b.cc);
    this.bcc = List.copyOf(b.bcc);
    this.replyTo = List.copyOf(b.replyTo);
    this.subject = Objects.requireNonNull(b.subject, "subject == null");
    this.text = b.text;
    this.html = b.html;
    this.attachments = List.copyOf(b.attachments);
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.messageId = Objects.requireNonNull(b.messageId, "messageId == null");
    this.date = Objects.requireNonNull(b.date, "date == null");
    this.recordId = b.recordId;
    this.envelope = null;
  }

  private OutgoingMessage(OutgoingMessage m, List<String> envelope, List<String> bcc) {
    this.mailbox = m.mailbox;
    this.fromAddress = m.fromAddress;
    this.fromName = m.fromName;
    this.to = m.to;
    this.cc = m.cc;
    this.bcc = bcc;
    this.replyTo = m.replyTo;
    this.subject = m.subject;
    this.text = m.text;
    this.html = m.html;
    this.attachments = m.attachments;
    this.headers = m.headers;
    this.messageId = m.messageId;
    this.date = m.date;
    this.recordId = m.recordId;
    this.envelope = envelope;
  }

  /**
   * Starts a message sent by the mailbox; From is its email display address and display name.
   *
   * @param mailbox the sending mailbox
   * @return a builder for the message
   */
  public static Builder builder(Mailbox mailbox) {
    return new Builder(mailbox);
  }

  /** {@return the mailbox that sends this message} */
  public Mailbox mailbox() {
    return mailbox;
  }

  /** {@return the From address, also the envelope sender (MAIL FROM)} */
  public String fromAddress() {
    return fromAddress;
  }

  /** {@return the From personal name} */
  public Optional<String> fromName() {
    return Optional.ofNullable(fromName);
  }

  /** {@return the To recipients} */
  public List<String> to() {
    return to;
  }

  /** {@return the Cc recipients} */
  public List<String> cc() {
    return cc;
  }

  /** {@return the Bcc recipients: envelope only, never in a header} */
  public List<String> bcc() {
    return bcc;
  }

  /**
   * {@return every envelope recipient: To, Cc, then Bcc; for a copy made by {@link
   * #withRecipients}, only the recipients it was made for}
   */
  public List<String> recipients() {
    if (envelope != null) {
      return envelope;
    }
    List<String> all = new ArrayList<>(to.size() + cc.size() + bcc.size());
    all.addAll(to);
    all.addAll(cc);
    all.addAll(bcc);
    return Collections.unmodifiableList(all);
  }

  /** {@return the Reply-To addresses} */
  public List<String> replyTo() {
    return replyTo;
  }

  /** {@return the subject as it is sent, tag included} */
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

  /** {@return the attachments, in order} */
  public List<Attachment> attachments() {
    return attachments;
  }

  /** {@return the extra headers, checked: none structural, no CR/LF} */
  public Map<String, String> headers() {
    return headers;
  }

  /** {@return the Message-ID, with angle brackets: {@code <id@domain>}} */
  public String messageId() {
    return messageId;
  }

  /** {@return the Date header's value} */
  public ZonedDateTime date() {
    return date;
  }

  /** {@return the id of the record the message concerns, if it names one} */
  public Optional<String> recordId() {
    return Optional.ofNullable(recordId);
  }

  /**
   * A copy of this message for some of its recipients only, as the pipeline sends it to retry the
   * recipients a server deferred without sending it again to those that have it: the same From,
   * To and Cc headers, subject, content, Message-ID and Date; {@link #recipients()} (the envelope)
   * is {@code recipients}, and {@link #bcc()} keeps only the Bcc recipients among them. A
   * transport that cannot address a subset of a message's recipients must not report deferred
   * recipients, so it is never handed such a copy.
   *
   * @param recipients some of this message's {@link #recipients()}, at least one; duplicates are
   *     dropped, the order is kept
   * @return the copy
   * @throws IllegalArgumentException if {@code recipients} is empty or names an address that is not
   *     among this message's recipients
   */
  public OutgoingMessage withRecipients(Collection<String> recipients) {
    Objects.requireNonNull(recipients, "recipients == null");
    Set<String> wanted = new LinkedHashSet<>(recipients);
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("no recipient");
    }
    Set<String> known = new HashSet<>(recipients());
    for (String address : wanted) {
      if (!known.contains(address)) {
        throw new IllegalArgumentException(address + " is not a recipient of message " + messageId);
      }
    }
    List<String> keptBcc = bcc.stream().filter(wanted::contains).toList();
    return new OutgoingMessage(this, List.copyOf(wanted), keptBcc);
  }

  @Override
  public String toString() {
    return "OutgoingMessage{mailbox=" + mailbox.id() + ", messageId=" + messageId + ", subject=" + subject
        + ", to=" + to + ", cc=" + cc + ", bcc=" + bcc.size() + " address(es), attachments=" + attachments.size()
        + (envelope == null ? "" : ", only " + envelope.size() + " recipient(s)") + "}";
  }

  /**
   * Builds an {@link OutgoingMessage}. Meant for outmail's pipeline and for transport tests; its
   * input must already be validated (use {@link org.outmail.Email} for that).
   */
  public static final class Builder {
    private final Mailbox mailbox;
    private final List<String> to = new ArrayList<>();
    private final List<String> cc = new ArrayList<>();
    private final List<String> bcc = new ArrayList<>();
    private final List<String> replyTo = new ArrayList<>();
    private @Nullable String subject;
    private @Nullable String text;
    private @Nullable String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private @Nullable String messageId;
    private @Nullable ZonedDateTime date;
    private @Nullable String recordId;

    private Builder(Mailbox mailbox) {
      this.mailbox = Objects.requireNonNull(mailbox, "mailbox == null");
    }

    /**
     * Adds To recipients.
     *
     * @param addresses normalised addresses
     * @return this builder
     */
    public Builder to(List<String> addresses) {
      to.addAll(addresses);
      return this;
    }

    /**
     * Adds Cc recipients.
     *
     * @param addresses normalised addresses
     * @return this builder
     */
    public Builder cc(List<String> addresses) {
      cc.addAll(addresses);
      return this;
    }

    /**
     * Adds Bcc recipients.
     *
     * @param addresses normalised addresses
     * @return this builder
     */
    public Builder bcc(List<String> addresses) {
      bcc.addAll(addresses);
      return this;
    }

    /**
     * Adds Reply-To addresses.
     *
     * @param addresses normalised addresses
     * @return this builder
     */
    public Builder replyTo(List<String> addresses) {
      replyTo.addAll(addresses);
      return this;
    }

    /**
     * Sets the subject as it is sent, tag included.
     *
     * @param subject the subject, without line breaks
     * @return this builder
     */
    public Builder subject(String subject) {
      this.subject = Objects.requireNonNull(subject, "subject == null");
      return this;
    }

    /**
     * Sets the plain-text body.
     *
     * @param text the body, or {@code null} for none
     * @return this builder
     */
    public Builder text(@Nullable String text) {
      this.text = text;
      return this;
    }

    /**
     * Sets the HTML body.
     *
     * @param html the body, or {@code null} for none
     * @return this builder
     */
    public Builder html(@Nullable String html) {
      this.html = html;
      return this;
    }

    /**
     * Adds attachments.
     *
     * @param attachments the attachments, in order
     * @return this builder
     */
    public Builder attachments(List<Attachment> attachments) {
      this.attachments.addAll(attachments);
      return this;
    }

    /**
     * Adds extra headers.
     *
     * @param headers checked headers: none structural, no CR/LF
     * @return this builder
     */
    public Builder headers(Map<String, String> headers) {
      this.headers.putAll(headers);
      return this;
    }

    /**
     * Sets the Message-ID.
     *
     * @param messageId the Message-ID, with angle brackets
     * @return this builder
     */
    public Builder messageId(String messageId) {
      this.messageId = Objects.requireNonNull(messageId, "messageId == null");
      return this;
    }

    /**
     * Sets the Date header's value; the time of {@link #build()} unless set.
     *
     * @param date the date
     * @return this builder
     */
    public Builder date(ZonedDateTime date) {
      this.date = Objects.requireNonNull(date, "date == null");
      return this;
    }

    /**
     * Sets the id of the record the message concerns.
     *
     * @param recordId the record id, or {@code null} for none
     * @return this builder
     */
    public Builder recordId(@Nullable String recordId) {
      this.recordId = recordId;
      return this;
    }

    /**
     * Builds the message.
     *
     * @return the message
     * @throws IllegalStateException when a recipient, the subject or the Message-ID is missing, or the
     *     mailbox has no email-display (an IN mailbox)
     */
    public OutgoingMessage build() {
      if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
        throw new IllegalStateException("no recipient");
      }
      if (subject == null) {
        throw new IllegalStateException("subject missing");
      }
      if (messageId == null) {
        throw new IllegalStateException("messageId missing");
      }
      if (mailbox.emailDisplay() == null) {
        throw new IllegalStateException("mailbox '" + mailbox.id() + "' has no email-display to send from");
      }
      if (date == null) {
        date = ZonedDateTime.now(ZoneId.systemDefault());
      }
      return new OutgoingMessage(this);
    }
  }
}
