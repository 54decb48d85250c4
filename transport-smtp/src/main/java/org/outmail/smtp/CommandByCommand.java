package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One transaction on a connection its sender has to itself, each command waiting for its reply:
 * for a server without PIPELINING (or with {@code smtp.pipelining=false}), and for streamed mails
 * (large, or with file attachments). The content goes as {@code BDAT} chunks read from its source
 * when the server offers CHUNKING (and the mailbox allows it), at most {@link #CHUNK} bytes held at
 * a time, the chunks written one after the other when the server pipelines, each awaiting its reply
 * when it does not; else after {@code DATA}, dot-stuffed. A refused transaction is reset with {@code
 * RSET} at once, so the connection can carry the next one.
 */
final class CommandByCommand {
  /** The most content bytes held at once for a streamed mail: one BDAT chunk. */
  static final int CHUNK = 1024 * 1024;
  private static final String[] NOT_WRITTEN_HEADERS = {"Bcc", "Content-Length"};

  private final SmtpConnection c;
  private final PreparedMail p;
  private final boolean chunking;
  private final boolean pipelining;
  private final @Nullable Reply[] rcpt;
  private @Nullable Reply mail;
  private @Nullable Reply data;
  private @Nullable Reply end;
  private String awaited = "MAIL FROM";
  private boolean partly;
  private boolean taken;
  /** BDAT chunks written whose replies are not read yet. */
  private int unanswered;

  private CommandByCommand(SmtpConnection c, PreparedMail p, boolean chunking, boolean pipelining) {
    this.c = c;
    this.p = p;
    this.chunking = chunking;
    this.pipelining = pipelining;
    this.rcpt = new Reply[p.envelope().length];
  }

  /**
   * Sends one transaction and tells its outcome.
   *
   * @param resetFirst whether the server may hold a transaction open: {@code RSET} first
   * @param chunking whether the content goes with BDAT (the server offers CHUNKING, the mailbox allows it)
   * @param pipelining whether the server offers PIPELINING (BDAT chunks then go without awaiting each reply)
   */
  static TxOutcome send(SmtpConnection c, PreparedMail p, boolean resetFirst, boolean chunking, boolean pipelining) {
    synchronized (c) {
      return new CommandByCommand(c, p, chunking, pipelining).run(resetFirst);
    }
  }

  private TxOutcome run(boolean resetFirst) {
    boolean unconfirmed = c.unconfirmed();
    try {
      if (resetFirst) {
        ConnectionLost.check(c.ask("RSET", "RSET"));
      }
      mail = ask(mailFrom(), "MAIL FROM");
      if (!mail.positive()) {
        return reset(unconfirmed);
      }
      Address[] envelope = p.envelope();
      boolean any = false;
      for (int i = 0; i < envelope.length; i++) {
        rcpt[i] = ask("RCPT TO:<" + ((InternetAddress) envelope[i]).getAddress() + ">", "RCPT TO");
        any |= rcpt[i].positive();
        if (!rcpt[i].positive() && (rcpt[i].code() < 400 || rcpt[i].code() >= 600)) {
          return reset(unconfirmed); // no answer to RCPT: give up the transaction
        }
      }
      if (!any) {
        return reset(unconfirmed);
      }
      if (chunking) {
        chunked();
      } else {
        data = ask("DATA", "DATA");
        if (data.code() != 354) {
          return reset(unconfirmed);
        }
        dataContent(); // "DATA" stays the command on the wire until the content's end went out
        awaited = ".";
        taken = true;
        end = ConnectionLost.check(c.reply());
      }
      return outcome(null, null, unconfirmed);
    } catch (ConnectionLost e) {
      return outcome(e.reply, null, unconfirmed);
    } catch (IOException | MessagingException | RuntimeException e) {
      return outcome(null, e, unconfirmed);
    }
  }

  private Reply ask(String command, String verb) throws IOException {
    awaited = verb;
    return ConnectionLost.check(c.ask(command, verb));
  }

  private String mailFrom() {
    String from = p.envelopeFrom();
    boolean ascii = from.chars().allMatch(ch -> ch < 0x80);
    return "MAIL FROM:<" + from + ">" + (!ascii && c.supports("SMTPUTF8") ? " SMTPUTF8" : "");
  }

  /** The server refused the transaction before its content: {@code RSET}, so the connection goes on. */
  private TxOutcome reset(boolean unconfirmed) {
    TxOutcome o = outcome(null, null, unconfirmed);
    try {
      if (c.ask("RSET", "RSET").code() != 250) {
        c.abort(); // the refusal stands; a connection that takes no RSET carries nothing more
      }
    } catch (IOException e) {
      c.abort();
    }
    return o;
  }

  /** The content after 354: prepared bytes as they are (dot-stuffed, with the final dot), else streamed. */
  private void dataContent() throws IOException, MessagingException {
    if (p.wire() != null) {
      partly = true;
      c.writeRaw(p.wire(), 0, p.wire().length);
      return;
    }
    ContentStream out = new ContentStream(64 * 1024, true, (b, len, last) -> {
      partly = true;
      if (last) {
        c.writeRaw(b, 0, len);
      } else {
        c.writeUnflushed(b, 0, len);
      }
    });
    Objects.requireNonNull(p.mime(), "a mail without wire bytes has its MIME").writeTo(out, NOT_WRITTEN_HEADERS);
    out.finish();
  }

  /** The content as BDAT chunks; the reply to the last one ends the transaction. */
  private void chunked() throws IOException, MessagingException {
    awaited = ".";
    if (p.wire() != null) {
      List<ByteBuffer> slices = WriteBatch.unstuffed(p.wire());
      long length = 0;
      for (ByteBuffer b : slices) {
        length += b.remaining();
      }
      List<ByteBuffer> pieces = new ArrayList<>(slices.size() + 1);
      pieces.add(ByteBuffer.wrap(WriteBatch.ascii("BDAT " + length + " LAST\r\n")));
      pieces.addAll(slices);
      partly = true;
      c.writeRaw(pieces);
      taken = true;
      end = ConnectionLost.check(c.reply());
      return;
    }
    ContentStream out = new ContentStream(CHUNK, false, this::chunk);
    Objects.requireNonNull(p.mime(), "a mail without wire bytes has its MIME").writeTo(out, NOT_WRITTEN_HEADERS);
    out.finish();
    while (unanswered > 0) {
      Reply r = ConnectionLost.check(c.reply());
      unanswered--;
      if (end == null || end.positive()) {
        end = r; // the first refusal stands: a mail with a refused chunk is not taken
      }
    }
  }

  /** One BDAT chunk; without PIPELINING its reply is read before the next. */
  private void chunk(byte[] b, int len, boolean last) throws IOException {
    if (end != null && !end.positive()) {
      return; // a chunk was refused: the rest is not sent
    }
    byte[] command = ("BDAT " + len + (last ? " LAST" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    partly = true;
    c.writeUnflushed(command, 0, command.length);
    if (last) {
      c.writeRaw(b, 0, len);
      taken = true;
    } else {
      c.writeUnflushed(b, 0, len);
    }
    unanswered++;
    if (!pipelining && !last) {
      c.flush();
      Reply r = ConnectionLost.check(c.reply());
      unanswered--;
      if (!r.positive()) {
        end = r;
      }
    }
  }

  private TxOutcome outcome(@Nullable Reply lost, @Nullable Throwable failure, boolean unconfirmed) {
    TxOutcome.Content content = taken ? TxOutcome.Content.WHOLE : partly ? TxOutcome.Content.PARTLY
        : TxOutcome.Content.NOT_SENT;
    return new TxOutcome(p.envelope(), mail, rcpt, data, end, content, awaited, lost, failure, false, false,
        unconfirmed, false);
  }
}
