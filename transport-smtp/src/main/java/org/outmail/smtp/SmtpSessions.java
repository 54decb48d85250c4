package org.outmail.smtp;

import jakarta.mail.Session;
import java.util.Properties;

/**
 * The Angus Mail session outmail builds MIME messages with: UTF-8 for text without a charset of
 * its own. Angus speaks no SMTP here; {@link Connector} and {@link SmtpConnection} do.
 */
final class SmtpSessions {
  private SmtpSessions() {}

  /** A session for building MIME messages only. */
  static Session mime() {
    Properties p = new Properties();
    p.setProperty("mail.mime.charset", "UTF-8");
    return Session.getInstance(p);
  }
}
