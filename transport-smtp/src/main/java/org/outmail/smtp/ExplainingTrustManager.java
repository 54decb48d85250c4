package org.outmail.smtp;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's trust manager, whose refusals name the server certificate (subject and issuer) and say
 * in plain words why it was refused. Decides nothing itself.
 */
final class ExplainingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;

  ExplainingTrustManager(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw explain(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw explain(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw explain(chain, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
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
