package org.outmail.outbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.Email;

/**
 * An {@link Email} as stored: everything but the attachments' content (kept in chunks beside it),
 * in a small versioned binary form. Rebuilt for each attempt with the stored Message-ID.
 */
final class EmailCodec {
  private static final int VERSION = 1;

  private EmailCodec() {}

  /** An attachment as stored: its name, type and size; the content is in the part of the same index. */
  record StoredAttachment(String filename, String contentType, long size) {}

  /** The email's fields, without attachment content. */
  record StoredEmail(List<String> to, List<String> cc, List<String> bcc, List<String> replyTo, String subject,
      @Nullable String text, @Nullable String html, Map<String, String> headers, @Nullable String recordId,
      List<StoredAttachment> attachments) {}

  static byte[] encode(Email email) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + email.text().map(String::length).orElse(0)
        + email.html().map(String::length).orElse(0));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      list(out, email.to());
      list(out, email.cc());
      list(out, email.bcc());
      list(out, email.replyTo());
      string(out, email.subject());
      string(out, email.text().orElse(null));
      string(out, email.html().orElse(null));
      out.writeInt(email.headers().size());
      for (Map.Entry<String, String> h : email.headers().entrySet()) {
        string(out, h.getKey());
        string(out, h.getValue());
      }
      string(out, email.recordId().orElse(null));
      out.writeInt(email.attachments().size());
      for (Attachment a : email.attachments()) {
        string(out, a.filename());
        string(out, a.contentType());
        out.writeLong(a.size().orElse(-1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static StoredEmail decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      int version = in.readByte();
      if (version != VERSION) {
        throw new OutboxException(
            "stored mail has format version " + version + "; this outmail reads version " + VERSION);
      }
      List<String> to = list(in);
      List<String> cc = list(in);
      List<String> bcc = list(in);
      List<String> replyTo = list(in);
      String subject = present(in);
      String text = string(in);
      String html = string(in);
      int n = in.readInt();
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        headers.put(present(in), present(in));
      }
      String recordId = string(in);
      int m = in.readInt();
      List<StoredAttachment> attachments = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        attachments.add(new StoredAttachment(present(in), present(in), in.readLong()));
      }
      return new StoredEmail(to, cc, bcc, replyTo, subject, text, html, headers, recordId, attachments);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The email to send for an attempt: the stored fields, the stored Message-ID, only the recipients
   * still pending (all when {@code pending} is null), attachments opened from the store.
   */
  static Email rebuild(StoredEmail s, String messageId, @Nullable Collection<String> pending,
      List<Attachment> attachments) {
    Set<String> keep = null;
    if (pending != null) {
      keep = new HashSet<>();
      for (String p : pending) {
        keep.add(p.toLowerCase(Locale.ROOT));
      }
    }
    Email.Builder b = Email.builder()
        .to(only(s.to(), keep)).cc(only(s.cc(), keep)).bcc(only(s.bcc(), keep))
        .replyTo(s.replyTo().toArray(String[]::new))
        .subject(s.subject())
        .messageId(messageId);
    if (s.text() != null) {
      b.text(s.text());
    }
    if (s.html() != null) {
      b.html(s.html());
    }
    s.headers().forEach(b::header);
    if (s.recordId() != null) {
      b.recordId(s.recordId());
    }
    attachments.forEach(b::attach);
    return b.build();
  }

  private static List<String> only(List<String> addresses, @Nullable Set<String> keep) {
    if (keep == null) {
      return addresses;
    }
    List<String> out = new ArrayList<>();
    for (String a : addresses) {
      if (keep.contains(a.toLowerCase(Locale.ROOT))) {
        out.add(a);
      }
    }
    return out;
  }

  private static void list(DataOutputStream out, List<String> values) throws IOException {
    out.writeInt(values.size());
    for (String v : values) {
      string(out, v);
    }
  }

  /** A string the encoder always writes. */
  private static String present(DataInputStream in) throws IOException {
    String s = string(in);
    if (s == null) {
      throw new IOException("the stored mail lacks a value every stored mail has");
    }
    return s;
  }

  private static List<String> list(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(string(in));
    }
    return values;
  }

  private static void string(DataOutputStream out, @Nullable String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static @Nullable String string(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
