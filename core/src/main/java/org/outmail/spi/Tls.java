package org.outmail.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.outmail.BoundedFiles;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;

/**
 * The TLS trust of a mailbox, for every connection its transport opens (the mail server, Graph, the
 * token endpoint): the JDK's trust store, plus the certificates of the mailbox's own {@code
 * trust-store} file (PEM certificates or a PKCS12 store) for a server signed by a private CA. Host
 * names are always checked; there is no switch that trusts everything. Refusals name the server
 * certificate and say why.
 */
public final class Tls {
  private Tls() {}

  /**
   * The TLS context of the mailbox's connections.
   *
   * @param mailbox the mailbox, whose trust file applies if it has one
   * @return a new TLS context trusting the JDK's roots and the mailbox's trust file
   * @throws MailboxConfigException naming the trust-store field when the trust file cannot be used
   */
  public static SSLContext context(Mailbox mailbox) {
    return context(mailbox, trustManager(mailbox));
  }

  /**
   * The TLS context trusting what the trust manager trusts.
   *
   * @param mailbox the mailbox the context is for, named in a failure
   * @param trustManager the trust manager that decides which servers are trusted
   * @return a new TLS context
   * @throws MailboxConfigException if the JDK offers no TLS
   */
  public static SSLContext context(Mailbox mailbox, X509TrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new MailboxConfigException(mailbox.id(), "trust-store",
          MailException.mailboxPrefix(mailbox.id()) + "cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * The trust manager of the mailbox's connections (for HTTP clients that take one): the JDK's
   * roots and the mailbox's trust file.
   *
   * @param mailbox the mailbox, whose trust file applies if it has one
   * @return a trust manager whose refusals name the server certificate and say why
   * @throws MailboxConfigException naming the trust-store field when the trust file cannot be used
   */
  public static X509TrustManager trustManager(Mailbox mailbox) {
    try {
      X509ExtendedTrustManager jdk = manager(null);
      if (mailbox.trustStore().isEmpty()) {
        return new ExplainingTrustManager(jdk, null);
      }
      KeyStore own = load(mailbox, mailbox.trustStore().get(), mailbox.trustStorePassword().orElse(null));
      return new ExplainingTrustManager(manager(own), jdk);
    } catch (GeneralSecurityException e) {
      throw new MailboxConfigException(mailbox.id(), "trust-store",
          "mailbox '" + mailbox.id() + "': cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static X509ExtendedTrustManager manager(@Nullable KeyStore trusted) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager available");
  }

  private static KeyStore load(Mailbox mailbox, Path path, @Nullable Secret password) {
    byte[] content;
    try {
      content = BoundedFiles.read(path, BoundedFiles.DEFAULT_MAX_BYTES);
    } catch (IOException e) {
      throw fail(mailbox, path, BoundedFiles.problem(e), e);
    }
    try {
      KeyStore store;
      if (new String(content, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
        store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Collection<? extends Certificate> certs;
        try (InputStream in = new ByteArrayInputStream(content)) {
          certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        int i = 0;
        for (Certificate cert : certs) {
          store.setCertificateEntry("cert-" + i++, cert);
        }
      } else {
        store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(content)) {
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

  private static MailboxConfigException fail(Mailbox mailbox, Path path, String problem, @Nullable Exception cause) {
    return new MailboxConfigException(mailbox.id(), "trust-store",
        MailException.mailboxPrefix(mailbox.id()) + "trust-store " + path + " " + problem, cause);
  }
}
