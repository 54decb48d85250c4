package org.outmail.spi;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
  private final String fromName;
  private final List<String> to;
  private final List<String> cc;
  private final List<String> bcc;
  private final List<String> replyTo;
  private final String subject;
  private final String text;
  private final String html;
  private final List<Attachment> attachments;
  private final Map<String, String> headers;
  private final String messageId;
  private final ZonedDateTime date;
  private final String recordId;

  private OutgoingMessage(Builder b) {
    this.mailbox = b.mailbox;
    this.fromAddress = b.mailbox.emailDisplay();
    this.fromName = b.mailbox.displayName().orElse(null);
    this.to = List.copyOf(b.to);
    this.cc = List.copyOf(b.cc);
    this.bcc = List.copyOf(b.bcc);
    this.replyTo = List.copyOf(b.replyTo);
    this.subject = b.subject;
    this.text = b.text;
    this.html = b.html;
    this.attachments = List.copyOf(b.attachments);
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.messageId = b.messageId;
    this.date = b.date;
    this.recordId = b.recordId;
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

  /** {@return every envelope recipient: To, Cc, then Bcc} */
  public List<String> recipients() {
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

  @Override
  public String toString() {
    return "OutgoingMessage{mailbox=" + mailbox.id() + ", messageId=" + messageId + ", subject=" + subject
        + ", to=" + to + ", cc=" + cc + ", bcc=" + bcc.size() + " address(es), attachments=" + attachments.size() + "}";
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
    private String subject;
    private String text;
    private String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String messageId;
    private ZonedDateTime date;
    private String recordId;

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
    public Builder text(String text) {
      this.text = text;
      return this;
    }

    /**
     * Sets the HTML body.
     *
     * @param html the body, or {@code null} for none
     * @return this builder
     */
    public Builder html(String html) {
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
    public Builder recordId(String recordId) {
      this.recordId = recordId;
      return this;
    }

    /**
     * Builds the message.
     *
     * @return the message
     * @throws IllegalStateException when a recipient, the subject or the Message-ID is missing
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
      if (date == null) {
        date = ZonedDateTime.now();
      }
      return new OutgoingMessage(this);
    }
  }
}
