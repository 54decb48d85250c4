package org.outmail.spi;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The JDK's trust manager, whose refusals name the server certificate (subject and issuer) and say
 * in plain words why it was refused. Decides nothing itself.
 */
final class ExplainingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final @Nullable X509ExtendedTrustManager fallback;

  /** Trusts what {@code delegate} trusts, else what {@code fallback} (if any) trusts. */
  ExplainingTrustManager(X509ExtendedTrustManager delegate, @Nullable X509ExtendedTrustManager fallback) {
    this.delegate = delegate;
    this.fallback = fallback;
  }

  private interface Check {
    void run(X509ExtendedTrustManager tm) throws CertificateException;
  }

  private void server(X509Certificate[] chain, Check check) throws CertificateException {
    try {
      check.run(delegate);
    } catch (CertificateException e) {
      if (fallback != null) {
        try {
          check.run(fallback);
          return;
        } catch (CertificateException ignored) {
          // the first refusal says more: it is the trust the mailbox asked for
        }
      }
      throw explain(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    server(chain, tm -> tm.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    server(chain, tm -> tm.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    server(chain, tm -> tm.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    if (fallback == null) {
      return delegate.getAcceptedIssuers();
    }
    X509Certificate[] own = delegate.getAcceptedIssuers();
    X509Certificate[] jdk = fallback.getAcceptedIssuers();
    X509Certificate[] all = java.util.Arrays.copyOf(own, own.length + jdk.length);
    System.arraycopy(jdk, 0, all, own.length, jdk.length);
    return all;
  }

  static CertificateException explain(X509Certificate[] chain, CertificateException e) {
    String what = chain == null || chain.length == 0
        ? "the server certificate"
        : "server certificate '" + chain[0].getSubjectX500Principal().getName() + "' issued by '"
            + chain[0].getIssuerX500Principal().getName() + "'";
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String why;
    if (message.contains("unable to find valid certification path") || message.contains("PKIX path")) {
      why = "is not signed by a trusted certificate authority (for a private CA or a self-signed "
          + "certificate, name it in the mailbox's trust-store)";
    } else if (message.contains("No subject alternative") || message.contains("No name matching")) {
      why = "does not match the host name (" + message.strip() + ")";
    } else if (message.contains("expired") || message.contains("not yet valid")) {
      why = "is not valid now (" + message.strip() + ")";
    } else {
      why = "was refused (" + message.strip() + ")";
    }
    return new CertificateException(what + " " + why, e);
  }
}
