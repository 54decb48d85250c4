package org.outmail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.util.Set;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One SMTP connection: Angus Mail's transport, watched so that a failure can be placed (which
 * command was on the wire, whether the final {@code .} had gone out), plus what the pool needs to
 * know about it. Used by one thread at a time.
 */
final class SmtpConnection extends SMTPTransport {
  private static final Set<String> VERBS =
      Set.of("EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", ".", "RSET", "NOOP", "QUIT");

  private String greeting;
  private String lastCommand = "greeting";
  private boolean endOfDataSent;
  private String tlsProtocol;
  private String authMechanism;
  private long lastUsedNanos = System.nanoTime();
  private int messagesSent;
  private boolean reused;

  SmtpConnection(Session session, URLName url) {
    super(session, url);
  }

  @Override
  protected void sendCommand(String cmd) throws MessagingException {
    int space = cmd.indexOf(' ');
    String verb = (space < 0 ? cmd : cmd.substring(0, space)).toUpperCase(java.util.Locale.ROOT);
    // never keep arguments: AUTH carries credentials; RSET and QUIT only tidy up after a failure
    if (!verb.equals("RSET") && !verb.equals("QUIT")) {
      lastCommand = VERBS.contains(verb) ? verb.replace("MAIL", "MAIL FROM").replace("RCPT", "RCPT TO") : "AUTH";
    }
    super.sendCommand(cmd);
    if (cmd.equals(".")) {
      endOfDataSent = true;
    }
  }

  @Override
  protected int readServerResponse() throws MessagingException {
    int code = super.readServerResponse();
    if (greeting == null && code > 0) {
      greeting = getLastServerResponse();
    }
    return code;
  }

  /** Called before each message: resets what {@link #endOfDataSent()} tells. */
  void beginMessage() {
    endOfDataSent = false;
  }

  /** Whether the final {@code .} of the current message was written: from then on, the server may have taken it. */
  boolean endOfDataSent() {
    return endOfDataSent;
  }

  /** The last command sent (its verb only; not RSET or QUIT), or {@code greeting} before the first. */
  String lastCommand() {
    return lastCommand;
  }

  /** The server's greeting line(s), once received. */
  String greeting() {
    return greeting;
  }

  String tlsProtocol() {
    return tlsProtocol;
  }

  void tlsProtocol(String protocol) {
    this.tlsProtocol = protocol;
  }

  String authMechanism() {
    return authMechanism;
  }

  void authMechanism(String mechanism) {
    this.authMechanism = mechanism;
  }

  long idleNanos(long now) {
    return now - lastUsedNanos;
  }

  void used(long now) {
    lastUsedNanos = now;
  }

  int messagesSent() {
    return messagesSent;
  }

  void countMessage() {
    messagesSent++;
  }

  /** Whether this connection had already been used when it was handed out. */
  boolean reused() {
    return reused;
  }

  void reused(boolean reused) {
    this.reused = reused;
  }

  /** Closes with {@code QUIT}, ignoring failures: the connection is finished with either way. */
  void closeQuietly() {
    try {
      close();
    } catch (MessagingException | RuntimeException ignored) {
      // the socket is closed by now
    }
  }
}
