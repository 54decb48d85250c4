package org.outmail;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.outmail.internal.Addresses;

/**
 * An email as the host application writes it: recipients, subject, bodies, attachments, extra
 * headers and the id of the record it concerns. Immutable; every address and header is checked
 * when it is added, so bad input fails at the boundary, before anything is sent.
 *
 * <p>Each email gets a unique id when built; the Message-ID sent is made from it and the sending
 * mailbox's domain, so sending the same {@code Email} again carries the same Message-ID.
 */
public final class Email {
  private static final Pattern HEADER_NAME = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]{1,76}");
  private static final Set<String> STRUCTURAL = Set.of(
      "from", "sender", "to", "cc", "bcc", "reply-to", "subject", "message-id", "date", "mime-version",
      "return-path", "received");
  private static final Pattern RECORD_ID = Pattern.compile("[\\p{L}\\p{N}_-]{1,128}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern MESSAGE_ID = Pattern
      .compile("<[\\x21-\\x3B\\x3D\\x3F-\\x7E&&[^@]]{1,200}@[\\x21-\\x3B\\x3D\\x3F-\\x7E&&[^@]]{1,200}>");

  private final List<String> to;
  private final List<String> cc;
  private final List<String> bcc;
  private final List<String> replyTo;
  private final String subject;
  private final @Nullable String text;
  private final @Nullable String html;
  private final List<Attachment> attachments;
  private final Map<String, String> headers;
  private final @Nullable String recordId;
  private final String uniqueId;
  private final @Nullable String messageId;

  private Email(Builder b) {
    this.to = List.copyOf(b.to);
    this.cc = List.copyOf(b.cc);
    this.bcc = List.copyOf(b.bcc);
    this.replyTo = List.copyOf(b.replyTo);
    this.subject = Objects.requireNonNull(b.subject, "subject == null"); // build() checked it
    this.text = b.text;
    this.html = b.html;
    this.attachments = List.copyOf(b.attachments);
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.recordId = b.recordId;
    this.uniqueId = newUniqueId();
    this.messageId = b.messageId;
  }

  /** {@return a builder for a new email} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the To recipients, normalised, in the order added} */
  public List<String> to() {
    return to;
  }

  /** {@return the Cc recipients, normalised, in the order added} */
  public List<String> cc() {
    return cc;
  }

  /** {@return the Bcc recipients, normalised, in the order added} */
  public List<String> bcc() {
    return bcc;
  }

  /** {@return the Reply-To addresses, normalised, in the order added} */
  public List<String> replyTo() {
    return replyTo;
  }

  /** {@return the subject as written, before the mailbox's prefix is applied} */
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

  /** {@return the attachments, in the order added} */
  public List<Attachment> attachments() {
    return attachments;
  }

  /** {@return the extra headers, in the order added} */
  public Map<String, String> headers() {
    return headers;
  }

  /** {@return the unique field of the record this email concerns, put into the subject tag} */
  public Optional<String> recordId() {
    return Optional.ofNullable(recordId);
  }

  /** {@return the unique part of the Message-ID, fixed when the email was built} */
  String uniqueId() {
    return uniqueId;
  }

  /**
   * {@return the Message-ID fixed with {@link Builder#messageId(String)}, with angle brackets; empty
   * when the mailbox derives it from {@link #uniqueId()} and its domain}
   */
  public Optional<String> messageId() {
    return Optional.ofNullable(messageId);
  }

  @Override
  public String toString() {
    return "Email{to=" + to + ", cc=" + cc + ", bcc=" + bcc.size() + " address(es), subject=" + subject
        + (recordId == null ? "" : ", recordId=" + recordId) + ", attachments=" + attachments.size() + "}";
  }

  private static String newUniqueId() {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    StringBuilder sb = new StringBuilder(Long.toString(System.currentTimeMillis(), 36)).append('.');
    for (byte b : random) {
      sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return sb.append(".outmail").toString();
  }

  /**
   * Builds an {@link Email}. Every method checks its input at once and throws {@link
   * InvalidEmailException} saying which field is wrong and why; {@link #build()} throws it when a
   * required part is missing. A {@code null} argument is refused the same way, by every method: an
   * {@link InvalidEmailException} whose field is the part given and whose message says it is
   * missing ({@code subject is missing (null)}, {@code to: address is missing}).
   *
   * <p>Called again, a method that sets one value (subject, text, html, record id, a header of the
   * same name) replaces the earlier value; a method that adds (recipients, attachments) adds to
   * those given before. Addresses given twice are sent to once.
   */
  public static final class Builder {
    private final List<String> to = new ArrayList<>();
    private final List<String> cc = new ArrayList<>();
    private final List<String> bcc = new ArrayList<>();
    private final List<String> replyTo = new ArrayList<>();
    private @Nullable String subject;
    private @Nullable String text;
    private @Nullable String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private @Nullable String recordId;
    private @Nullable String messageId;

    private Builder() {}

    /**
     * Adds To recipients to those given before.
     *
     * @param addresses the addresses, each checked and normalised
     * @return this builder
     * @throws InvalidEmailException for an invalid address, e.g. {@code to: 'alice' is not an email
     *     address (expected local@domain)}; none of the addresses is then added
     */
    public Builder to(String... addresses) {
      return add(to, "to", addresses);
    }

    /**
     * Adds To recipients to those given before, like {@link #to(String...)}.
     *
     * @param addresses the addresses, each checked and normalised
     * @return this builder
     * @throws InvalidEmailException for an invalid address; none of the addresses is then added
     */
    public Builder to(Iterable<String> addresses) {
      return add(to, "to", addresses);
    }

    /**
     * Adds Cc recipients to those given before.
     *
     * @param addresses the addresses, each checked and normalised
     * @return this builder
     * @throws InvalidEmailException for an invalid address; none of the addresses is then added
     */
    public Builder cc(String... addresses) {
      return add(cc, "cc", addresses);
    }

    /**
     * Adds Cc recipients to those given before, like {@link #cc(String...)}.
     *
     * @param addresses the addresses, each checked and normalised
     * @return this builder
     * @throws InvalidEmailException for an invalid address; none of the addresses is then added
     */
    public Builder cc(Iterable<String> addresses) {
      return add(cc, "cc", addresses);
    }

    /**
     * Adds Bcc recipients to those given before: they are sent to but appear in no header.
     *
     * @param addresses the addresses, each checked and normalised
     * @return this builder
     * @throws InvalidEmailException for an invalid address; none of the addresses is then added
     */
    public Builder bcc(String... addresses) {
      return add(bcc, "bcc", addresses);
    }

    /**
     * Adds Bcc recipients to those given before, like {@link #bcc(String...)}: they are sent to but
     * appear in no header.
     *
     * @param addresses the addresses, each checked and normalised
     * @return this builder
     * @throws InvalidEmailException for an invalid address; none of the addresses is then added
     */
    public Builder bcc(Iterable<String> addresses) {
      return add(bcc, "bcc", addresses);
    }

    /**
     * Adds Reply-To addresses to those given before.
     *
     * @param addresses the addresses, each checked and normalised
     * @return this builder
     * @throws InvalidEmailException for an invalid address; none of the addresses is then added
     */
    public Builder replyTo(String... addresses) {
      return add(replyTo, "reply-to", addresses);
    }

    private Builder add(List<String> list, String field, String... addresses) {
      present(addresses, field, field + ": addresses are missing (null)");
      return add(list, field, Arrays.asList(addresses));
    }

    private Builder add(List<String> list, String field, Iterable<String> addresses) {
      present(addresses, field, field + ": addresses are missing (null)");
      List<String> checked = new ArrayList<>();
      for (String a : addresses) {
        try {
          checked.add(Addresses.normalise(a));
        } catch (InvalidEmailException e) {
          throw new InvalidEmailException(field, field + ": " + e.getMessage(), e);
        }
      }
      list.addAll(checked);
      return this;
    }

    /**
     * Sets the subject, replacing one given before.
     *
     * @param subject the subject as written, before the mailbox's prefix is applied
     * @return this builder
     * @throws InvalidEmailException if the subject is null or contains CR, LF or another control
     *     character
     */
    public Builder subject(String subject) {
      present(subject, "subject", "subject is missing (null)");
      Addresses.checkHeaderText(subject, "subject");
      this.subject = subject;
      return this;
    }

    /**
     * Sets the plain-text body, replacing one given before.
     *
     * @param text the plain-text body
     * @return this builder
     * @throws InvalidEmailException if the text is null
     */
    public Builder text(String text) {
      this.text = present(text, "text", "text is missing (null)");
      return this;
    }

    /**
     * Sets the HTML body, replacing one given before.
     *
     * @param html the HTML body
     * @return this builder
     * @throws InvalidEmailException if the html is null
     */
    public Builder html(String html) {
      this.html = present(html, "html", "html is missing (null)");
      return this;
    }

    /**
     * Adds an attachment from bytes (copied), after those given before.
     *
     * @param filename the file name shown to the recipient
     * @param contentType the MIME type, {@code type/subtype} with optional parameters
     * @param content the content
     * @return this builder
     * @throws InvalidEmailException for a missing or bad file name or content type (see {@link
     *     Attachment#of}), or missing content
     */
    public Builder attach(String filename, String contentType, byte[] content) {
      attachmentParts(filename, contentType);
      present(content, "attachment", "attachment content is missing (null)");
      attachments.add(Attachment.of(filename, contentType, content));
      return this;
    }

    /**
     * Adds an attachment read from a file as a stream when the mail is sent, after those given
     * before.
     *
     * @param filename the file name shown to the recipient
     * @param contentType the MIME type, {@code type/subtype} with optional parameters
     * @param file the file, which must exist and be readable now
     * @return this builder
     * @throws InvalidEmailException for a missing or bad file name or content type, or a missing file
     *     or one that cannot be read
     */
    public Builder attach(String filename, String contentType, Path file) {
      attachmentParts(filename, contentType);
      present(file, "attachment", "attachment file is missing (null)");
      attachments.add(Attachment.of(filename, contentType, file));
      return this;
    }

    /**
     * Adds an attachment, after those given before.
     *
     * @param attachment the attachment
     * @return this builder
     * @throws InvalidEmailException if the attachment is null
     */
    public Builder attach(Attachment attachment) {
      attachments.add(present(attachment, "attachment", "attachment is missing (null)"));
      return this;
    }

    private static void attachmentParts(String filename, String contentType) {
      present(filename, "attachment", "attachment filename is missing (null)");
      present(contentType, "attachment", "attachment contentType is missing (null)");
    }

    private static <T> T present(T value, String field, String message) {
      if (value == null) {
        throw new InvalidEmailException(field, message);
      }
      return value;
    }

    /**
     * Sets a header; a header of the same name given before (in any case) is replaced. The name must
     * be an RFC 5322 field name and not one outmail sets itself (From, To, Cc, Bcc, Reply-To,
     * Subject, Message-ID, Date, MIME-Version, Content-*, ...); the value must not contain CR, LF or
     * other control characters.
     *
     * @param name the field name
     * @param value the field value
     * @return this builder
     * @throws InvalidEmailException saying which rule was broken
     */
    public Builder header(String name, String value) {
      present(name, "header", "header name is missing (null)");
      present(value, "header " + name, "header " + name + " value is missing (null)");
      if (!HEADER_NAME.matcher(name).matches()) {
        throw new InvalidEmailException("header", "header name '" + name.replaceAll("[\\x00-\\x1F\\x7F]", "?")
            + "' is not a valid field name (printable ASCII without ':' or spaces)");
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (STRUCTURAL.contains(lower) || lower.startsWith("content-")) {
        throw new InvalidEmailException("header " + name,
            "header " + name + " is set by outmail and cannot be set through header()");
      }
      Addresses.checkHeaderText(value, "header " + name);
      headers.keySet().removeIf(n -> n.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    /**
     * Sets the record's unique field (a ticket number), tagged into the subject by the mailbox's
     * prefix; replaces one given before.
     *
     * @param recordId the record's unique field
     * @return this builder
     * @throws InvalidEmailException unless 1 to 128 letters, digits, '_' or '-'
     */
    public Builder recordId(String recordId) {
      present(recordId, "recordId", "recordId is missing (null)");
      if (!RECORD_ID.matcher(recordId).matches()) {
        throw new InvalidEmailException("recordId", "recordId '" + recordId.replaceAll("[\\x00-\\x1F\\x7F]", "?")
            + "' must be 1 to 128 letters, digits, '_' or '-'");
      }
      this.recordId = recordId;
      return this;
    }

    /**
     * Fixes the Message-ID sent, instead of one derived from the email's unique id and the
     * mailbox's domain: a queued mail sent again (after a crash, or an outcome unknown) carries the
     * same Message-ID, so it is recognisable as the same mail. Most hosts never call this.
     *
     * @param messageId {@code <local@domain>}: printable ASCII without spaces, {@code <}, {@code >}
     *     or a second {@code @}, each side 1 to 200 characters
     * @return this builder
     * @throws InvalidEmailException if it is not of that form
     */
    public Builder messageId(String messageId) {
      present(messageId, "messageId", "messageId is missing (null)");
      if (!MESSAGE_ID.matcher(messageId).matches()) {
        throw new InvalidEmailException("messageId", "messageId '" + messageId.replaceAll("[\\x00-\\x1F\\x7F]", "?")
            + "' must be of the form <local@domain> (printable ASCII, no spaces)");
      }
      this.messageId = messageId;
      return this;
    }

    /**
     * Builds the email.
     *
     * @return a new email with its own unique id
     * @throws InvalidEmailException without a recipient, a subject or a body
     */
    public Email build() {
      if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
        throw new InvalidEmailException(null, "an email needs at least one recipient (to, cc or bcc)");
      }
      if (subject == null) {
        throw new InvalidEmailException("subject", "subject is required");
      }
      if (text == null && html == null && attachments.isEmpty()) {
        throw new InvalidEmailException(null, "an email needs a text or html body, or an attachment");
      }
      return new Email(this);
    }
  }
}
