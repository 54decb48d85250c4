package org.outmail.smtp;

import jakarta.mail.Session;
import java.util.Properties;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.outmail.Encryption;
import org.outmail.Mailbox;

/**
 * The Angus Mail session of a mailbox, with every setting outmail relies on spelled out: finite
 * timeouts, required STARTTLS, checked server identity, no fallback to another socket factory,
 * {@code TCP_NODELAY}, the auth mechanisms, partial sends.
 *
 * <p>The write timeout is not Angus's {@code mail.smtp.writetimeout} (a task scheduled and
 * cancelled for every write to the socket) but each connection's {@link WriteWatchdog}.
 */
final class SmtpSessions {
  private SmtpSessions() {}

  /**
   * @param tlsListener sees every TLS socket made, may be null
   */
  static Session create(Mailbox mailbox, SmtpAuth.Kind auth, SSLContext tls, Consumer<SSLSocket> tlsListener) {
    Properties p = new Properties();
    p.setProperty("mail.smtp.connectiontimeout", millis(mailbox.connectTimeout()));
    p.setProperty("mail.smtp.timeout", millis(mailbox.readTimeout()));

    p.put("mail.smtp.socketFactory", new SocketFactories.Plain());
    p.put("mail.smtp.ssl.socketFactory", new SocketFactories.Tls(tls.getSocketFactory(), tlsListener));
    p.setProperty("mail.smtp.socketFactory.fallback", "false");
    p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
    p.setProperty("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");

    Encryption encryption = mailbox.encryption();
    p.setProperty("mail.smtp.ssl.enable", Boolean.toString(encryption == Encryption.SSL_TLS));
    p.setProperty("mail.smtp.starttls.enable", Boolean.toString(encryption == Encryption.STARTTLS));
    p.setProperty("mail.smtp.starttls.required", Boolean.toString(encryption == Encryption.STARTTLS));

    p.setProperty("mail.smtp.auth", Boolean.toString(auth != SmtpAuth.Kind.NONE));
    if (auth != SmtpAuth.Kind.NONE) {
      p.setProperty("mail.smtp.auth.mechanisms", auth.mechanisms);
    }
    p.setProperty("mail.smtp.sasl.enable", "false");

    p.setProperty("mail.smtp.sendpartial", "true");
    // QUIT is sent, its reply not awaited: closing never hangs on a server that went quiet
    p.setProperty("mail.smtp.quitwait", "false");
    p.setProperty("mail.smtp.userset", "false");
    p.setProperty("mail.mime.charset", "UTF-8");
    p.setProperty("mail.debug.auth", "false");
    return Session.getInstance(p);
  }

  private static String millis(java.time.Duration d) {
    return Long.toString(Math.min(Integer.MAX_VALUE, d.toMillis()));
  }
}
