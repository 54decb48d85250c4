package org.outmail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.angus.mail.util.CRLFOutputStream;

/**
 * Signs a message with DKIM (RFC 6376, relaxed/relaxed; {@code ed25519-sha256} per RFC 8463): takes
 * the message as it goes on the wire and gives it back with a {@code DKIM-Signature} field in front.
 *
 * <p>{@link MimeBuilder} calls it, the signer knows nothing of the builder: prepared wire bytes
 * ({@link #sign(PreparedMail)}) are read once (dot-stuffing undone) and returned with the field
 * prepended; a message Angus writes ({@link #field(MimeMessage)}) is written once more, through the
 * same CRLF filter Angus's {@code DATA} stream applies, into a {@link Sink} that keeps the header
 * block and hashes the body as it streams past (a large file attachment is read twice, never held),
 * and the builder has the field written before it when Angus sends it.
 */
final class DkimSigner {
  /** What Angus's {@code sendMessage} leaves out when it writes a message. */
  private static final String[] IGNORED = {"Bcc", "Content-Length"};
  /** The most header bytes a signed message may have. */
  static final int MAX_HEADER_BYTES = 1 << 20;
  private static final int WIDTH = 76;

  private final DkimSettings settings;
  private final Clock clock;

  DkimSigner(DkimSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * A mail prepared as wire bytes, signed: the same bytes with the field in front.
   *
   * @throws MessagingException if the message cannot be signed
   */
  PreparedMail sign(PreparedMail p) throws MessagingException {
    if (p.wire() == null) {
      throw new IllegalArgumentException("a streamed message is signed with field(MimeMessage)");
    }
    Sink sink = new Sink();
    unstuff(p.wire(), sink);
    byte[] field = field(sink).getBytes(StandardCharsets.US_ASCII);
    byte[] signed = new byte[field.length + p.wire().length];
    System.arraycopy(field, 0, signed, 0, field.length);
    System.arraycopy(p.wire(), 0, signed, field.length, p.wire().length);
    return new PreparedMail(null, p.envelopeFrom(), p.envelope(), signed);
  }

  /**
   * The {@code DKIM-Signature} field (folded, ending in CRLF) for a message Angus writes, to be
   * written before its own header lines.
   *
   * @throws MessagingException if the message cannot be read (an attachment file gone) or signed
   */
  byte[] field(MimeMessage mime) throws MessagingException {
    Sink sink = new Sink();
    try (OutputStream out = new CRLFOutputStream(sink)) {
      mime.writeTo(out, IGNORED);
    } catch (IOException e) {
      throw new MessagingException("the message could not be read to sign it with DKIM: " + e.getMessage(), e);
    }
    return field(sink).getBytes(StandardCharsets.US_ASCII);
  }

  /** Feeds DATA-form bytes (leading dots doubled, ending in {@code .CRLF}) as the message they carry. */
  static void unstuff(byte[] wire, Sink sink) {
    int end = wire.length - 3;
    int from = 0;
    for (int i = 0; i < end; i++) {
      if ((i == 0 || wire[i - 1] == '\n') && wire[i] == '.') {
        sink.write(wire, from, i - from);
        from = i + 1;
      }
    }
    sink.write(wire, from, end - from);
  }

  /** The {@code DKIM-Signature} field for the message the sink took, folded, ending in CRLF. */
  String field(Sink sink) throws MessagingException {
    List<DkimHeaders.Field> fields = sink.headers();
    byte[] bodyHash = sink.body.digest();
    Map<String, List<DkimHeaders.Field>> byName = new HashMap<>();
    for (DkimHeaders.Field f : fields) {
      byName.computeIfAbsent(f.name().strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f);
    }
    List<String> signedNames = new ArrayList<>();
    StringBuilder data = new StringBuilder();
    for (String name : settings.headers()) {
      List<DkimHeaders.Field> present = byName.getOrDefault(name, List.of());
      // several instances are signed from the last one up (RFC 6376 section 5.4.2)
      for (int i = present.size() - 1; i >= 0; i--) {
        signedNames.add(name);
        data.append(DkimHeaders.relaxed(present.get(i).text(), true));
      }
    }
    Folder v = new Folder("DKIM-Signature:");
    v.tag("v=1;");
    v.tag("a=" + settings.algorithm().tag + ";");
    v.tag("c=relaxed/relaxed;");
    v.tag("d=" + settings.domain() + ";");
    v.tag("s=" + settings.selector() + ";");
    v.tag("t=" + clock.instant().getEpochSecond() + ";");
    v.list("h=", signedNames);
    v.base64("bh=", Base64.getEncoder().encodeToString(bodyHash), ";");
    v.tag("b=");
    String unsigned = v.toString();
    data.append(DkimHeaders.relaxed(unsigned, false));
    byte[] signature = signature(data.toString().getBytes(StandardCharsets.ISO_8859_1));
    v.base64("", Base64.getEncoder().encodeToString(signature), "");
    return v + "\r\n";
  }

  private byte[] signature(byte[] data) throws MessagingException {
    try {
      if (settings.algorithm() == DkimAlgorithm.ED25519_SHA256) {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(settings.key().key());
        s.update(MessageDigest.getInstance("SHA-256").digest(data));
        return s.sign();
      }
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(settings.key().key());
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new MessagingException("DKIM signing with " + settings.algorithm().tag + " failed: " + e.getMessage(), e);
    }
  }

  /** A header field built tag by tag, folded with CRLF TAB before a tag that would pass the width. */
  private static final class Folder {
    private final StringBuilder text;
    private int column;

    Folder(String start) {
      text = new StringBuilder(start);
      column = start.length();
    }

    void tag(String tag) {
      if (column + 1 + tag.length() > WIDTH) {
        text.append("\r\n\t");
        column = 1;
      } else {
        text.append(' ');
        column++;
      }
      text.append(tag);
      column += tag.length();
    }

    /** {@code h=a:b:c;}, folded after a colon when long. */
    void list(String prefix, List<String> names) {
      tag(prefix + names.get(0));
      for (int i = 1; i < names.size(); i++) {
        String piece = ":" + names.get(i) + (i == names.size() - 1 ? ";" : "");
        if (column + piece.length() > WIDTH) {
          text.append("\r\n\t");
          column = 1;
        }
        text.append(piece);
        column += piece.length();
      }
      if (names.size() == 1) {
        text.append(';');
        column++;
      }
    }

    /** A base64 value, broken over lines (folding white space is allowed inside it). */
    void base64(String prefix, String value, String end) {
      if (!prefix.isEmpty()) {
        tag(prefix);
      }
      int i = 0;
      while (i < value.length()) {
        if (column >= WIDTH) {
          text.append("\r\n\t");
          column = 1;
        }
        int take = Math.min(value.length() - i, WIDTH - column);
        text.append(value, i, i + take);
        column += take;
        i += take;
      }
      text.append(end);
      column += end.length();
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }

  /**
   * Takes a message (lines ending in CRLF, no dot-stuffing): keeps its header block, up to {@link
   * #MAX_HEADER_BYTES}, and hashes its body as it streams past.
   */
  static final class Sink extends OutputStream {
    private final ByteArrayOutputStream header = new ByteArrayOutputStream(2048);
    final DkimBodyHash body = new DkimBodyHash();
    /** How many bytes of CR LF CR LF ended the header so far; 4 once in the body. */
    private int matched;

    private final byte[] one = new byte[1];

    @Override
    public void write(int b) {
      one[0] = (byte) b;
      write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int i = off;
      int end = off + len;
      while (matched < 4 && i < end) {
        byte c = b[i++];
        header.write(c);
        if (header.size() > MAX_HEADER_BYTES) {
          throw new IllegalStateException("the header block is over " + MAX_HEADER_BYTES + " bytes");
        }
        boolean expected = c == ((matched & 1) == 0 ? '\r' : '\n');
        matched = expected ? matched + 1 : (c == '\r' ? 1 : 0);
      }
      if (i < end) {
        body.update(b, i, end - i);
      }
    }

    /** The header fields, once the message was written. */
    List<DkimHeaders.Field> headers() {
      byte[] h = header.toByteArray();
      // the block without the empty line's CRLF (a message without a body has no empty line)
      int len = matched == 4 ? h.length - 2 : h.length;
      return DkimHeaders.parse(h, len);
    }
  }
}
