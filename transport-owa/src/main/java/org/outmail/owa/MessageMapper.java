package org.outmail.owa;

import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.graph.models.InternetMessageHeader;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.Recipient;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.InvalidEmailException;
import org.outmail.MailException;
import org.outmail.TransportException;
import org.outmail.spi.OutgoingMessage;

/**
 * Turns an {@link OutgoingMessage} into Graph's {@link Message}. Every call builds new objects:
 * the SDK's models remember what was already sent and serialise only what changed, so a model
 * sent twice would go out empty the second time.
 */
final class MessageMapper {
  /** Graph refuses a request body over 4 MB; stay below with room for what is not estimated. */
  static final long REQUEST_LIMIT = 4_000_000;
  /** What the JSON around the body and attachments may take: recipients, headers, names. */
  private static final long OVERHEAD = 64 * 1024;
  /** {@code PR_DELETE_AFTER_SUBMIT}: Exchange keeps no copy in Sent Items after sending a draft. */
  static final String DELETE_AFTER_SUBMIT = "Boolean 0x0E01";

  /** Graph takes at most five {@code internetMessageHeaders}. */
  static final int MAX_HEADERS = 5;

  private MessageMapper() {}

  /**
   * Graph accepts at most five custom headers, each named {@code X-...}, in {@code
   * internetMessageHeaders}.
   *
   * @throws TransportException permanent, at stage {@code CONTENT}, naming the header, before any
   *     request is made
   */
  static void checkHeaders(OutgoingMessage m) {
    if (m.headers().size() > MAX_HEADERS) {
      throw TransportException.builder(m.mailbox().id(), MailException.mailboxPrefix(m.mailbox().id())
          + m.headers().size() + " custom headers cannot be sent through Microsoft Graph, which accepts at most "
          + MAX_HEADERS + " (internetMessageHeaders): " + m.headers().keySet())
          .stage(TransportException.Stage.CONTENT).build();
    }
    for (String name : m.headers().keySet()) {
      if (!name.regionMatches(true, 0, "X-", 0, 2) || name.length() < 3) {
        throw TransportException.builder(m.mailbox().id(), "mailbox '" + m.mailbox().id() + "': header '" + name
            + "' cannot be sent through Microsoft Graph, which accepts only custom headers whose names start with X-")
            .stage(TransportException.Stage.CONTENT).build();
      }
    }
  }

  /**
   * Every attachment given as a file can be read now.
   *
   * @throws TransportException permanent, at stage {@code CONTENT}, naming the first that cannot
   */
  static void checkAttachments(OutgoingMessage m) {
    for (Attachment a : m.attachments()) {
      if (a.path().isPresent() && !Files.isReadable(a.path().get())) {
        throw GraphErrors.unreadableAttachment(m.mailbox().id(), a, null);
      }
    }
  }

  /** An upper estimate of the {@code sendMail} request size in bytes, without reading attachments. */
  static long estimatedRequestBytes(OutgoingMessage m) {
    long size = estimatedBytesWithoutAttachments(m);
    for (Attachment a : m.attachments()) {
      size += base64Length(a.size().orElse(Long.MAX_VALUE / 8));
    }
    return size;
  }

  /** An upper estimate of the request size of the message without its attachments. */
  static long estimatedBytesWithoutAttachments(OutgoingMessage m) {
    long size = OVERHEAD + jsonLength(m.subject());
    size += jsonLength(m.html().orElse(m.text().orElse("")));
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      size += jsonLength(h.getKey()) + jsonLength(h.getValue());
    }
    return size;
  }

  static long base64Length(long bytes) {
    return (bytes + 2) / 3 * 4;
  }

  /** The length of the string as JSON text, counting each escapable ASCII character as an escape. */
  private static long jsonLength(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '=' || c == '\'') {
        n += 6;
      } else if (c < 0x80) {
        n += 1;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * The message with the given attachments inline ({@code fileAttachment} with their bytes).
   *
   * @param keepCopy whether to keep a copy in Sent Items; only set for drafts, where {@code
   *     sendMail}'s {@code SaveToSentItems} does not apply
   */
  static Message message(OutgoingMessage m, List<Attachment> inline, @Nullable Boolean keepCopy) {
    Message msg = new Message();
    msg.setSubject(m.subject());
    msg.setFrom(recipient(m.fromAddress(), m.fromName().orElse(null)));
    msg.setToRecipients(recipients(m.to()));
    msg.setCcRecipients(recipients(m.cc()));
    msg.setBccRecipients(recipients(m.bcc()));
    if (!m.replyTo().isEmpty()) {
      msg.setReplyTo(recipients(m.replyTo()));
    }
    ItemBody body = new ItemBody();
    if (m.html().isPresent()) {
      body.setContentType(BodyType.Html);
      body.setContent(m.html().get());
    } else {
      body.setContentType(BodyType.Text);
      body.setContent(m.text().orElse(""));
    }
    msg.setBody(body);
    msg.setInternetMessageId(m.messageId());
    if (!m.headers().isEmpty()) {
      List<InternetMessageHeader> headers = new ArrayList<>();
      m.headers().forEach((name, value) -> {
        InternetMessageHeader h = new InternetMessageHeader();
        h.setName(name);
        h.setValue(value);
        headers.add(h);
      });
      msg.setInternetMessageHeaders(headers);
    }
    if (!inline.isEmpty()) {
      List<com.microsoft.graph.models.Attachment> files = new ArrayList<>();
      for (Attachment a : inline) {
        files.add(fileAttachment(m, a));
      }
      msg.setAttachments(files);
    }
    if (Boolean.FALSE.equals(keepCopy)) {
      SingleValueLegacyExtendedProperty p = new SingleValueLegacyExtendedProperty();
      p.setId(DELETE_AFTER_SUBMIT);
      p.setValue("true");
      msg.setSingleValueExtendedProperties(List.of(p));
    }
    return msg;
  }

  /**
   * The attachment of the message with its bytes.
   *
   * @throws TransportException permanent, at stage {@code CONTENT}, when its file cannot be read
   */
  static FileAttachment fileAttachment(OutgoingMessage m, Attachment a) {
    FileAttachment f = new FileAttachment();
    f.setOdataType("#microsoft.graph.fileAttachment");
    f.setName(a.filename());
    f.setContentType(a.contentType());
    try {
      f.setContentBytes(a.readAllBytes());
    } catch (InvalidEmailException e) {
      throw GraphErrors.unreadableAttachment(m.mailbox().id(), a, e);
    }
    return f;
  }

  private static List<Recipient> recipients(List<String> addresses) {
    List<Recipient> out = new ArrayList<>(addresses.size());
    for (String a : addresses) {
      out.add(recipient(a, null));
    }
    return out;
  }

  private static Recipient recipient(String address, @Nullable String name) {
    EmailAddress e = new EmailAddress();
    e.setAddress(address);
    if (name != null) {
      e.setName(name);
    }
    Recipient r = new Recipient();
    r.setEmailAddress(e);
    return r;
  }
}
