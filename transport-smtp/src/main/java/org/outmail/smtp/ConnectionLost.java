package org.outmail.smtp;

import java.io.IOException;

/** The server ended the connection where a reply was awaited: end of its stream, or {@code 421}. */
final class ConnectionLost extends IOException {
  private static final long serialVersionUID = 1L;
  /** The reply that ended it: {@code 421 ...}, or code -1 at end of stream. */
  final transient Reply reply;

  ConnectionLost(Reply reply) {
    super(reply.code() < 0 ? "connection closed by the server"
        : "the server closes the connection: " + SmtpText.oneLine(reply.text()));
    this.reply = reply;
  }

  /** The reply, unless it ends the connection: then throws. */
  static Reply check(Reply r) throws ConnectionLost {
    if (r.code() < 0 || r.code() == 421) {
      throw new ConnectionLost(r);
    }
    return r;
  }
}
