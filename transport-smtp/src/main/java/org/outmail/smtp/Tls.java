package org.outmail.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;

/**
 * The TLS context of a mailbox: the JDK's trust store, or the mailbox's own trust file (PEM
 * certificates or a PKCS12 store) for a private CA. Host names are always checked; there is no
 * switch that trusts everything.
 */
final class Tls {
  private Tls() {}

  /**
   * @throws MailboxConfigException naming the trust-store field when the trust file cannot be used
   */
  static SSLContext context(Mailbox mailbox) {
    KeyStore trusted = mailbox.trustStore()
        .map(path -> load(mailbox, path, mailbox.trustStorePassword().orElse(null)))
        .orElse(null);
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      X509ExtendedTrustManager jdk = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          jdk = x;
        }
      }
      if (jdk == null) {
        throw new GeneralSecurityException("no X509 trust manager available");
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new ExplainingTrustManager(jdk)}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new MailboxConfigException(mailbox.id(), "trust-store",
          MailException.mailboxPrefix(mailbox.id()) + "cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Mailbox mailbox, Path path, Secret password) {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      throw fail(mailbox, path, "cannot be read (" + e.getClass().getSimpleName() + ")", e);
    }
    try {
      KeyStore store;
      if (new String(content, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
        store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(path)) {
          certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        int i = 0;
        for (Certificate cert : certs) {
          store.setCertificateEntry("cert-" + i++, cert);
        }
      } else {
        store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
          store.load(in, password == null ? null : password.value().toCharArray());
        }
      }
      if (store.size() == 0) {
        throw fail(mailbox, path, "holds no certificate", null);
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw fail(mailbox, path, "is neither PEM certificates nor a PKCS12 store readable with the "
          + "trust-store-password (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static MailboxConfigException fail(Mailbox mailbox, Path path, String problem, Exception cause) {
    return new MailboxConfigException(mailbox.id(), "trust-store",
        MailException.mailboxPrefix(mailbox.id()) + "trust-store " + path + " " + problem, cause);
  }
}
