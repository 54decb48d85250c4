package org.outmail.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.outmail.spi.Tls;

/** Socket factories for the raw Angus Mail baselines: with or without TCP_NODELAY, plain or TLS. */
public final class Sockets {
  private Sockets() {}

  /** An SSL context trusting only the certificates of a PEM file. */
  public static SSLContext trusting(Path pemFile) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(pemFile)) {
      int n = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("cert" + n++, c);
      }
      if (n == 0) {
        throw new GeneralSecurityException("no certificate in " + pemFile);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Plain sockets; Angus calls {@link #createSocket()} and connects the socket itself. */
  static final class Plain extends SocketFactory {
    private final boolean noDelay;

    Plain(boolean noDelay) {
      this.noDelay = noDelay;
    }

    private Socket configure(Socket s) throws IOException {
      s.setTcpNoDelay(noDelay);
      return s;
    }

    @Override
    public Socket createSocket() throws IOException {
      return configure(new Socket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return configure(new Socket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return configure(new Socket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return configure(new Socket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return configure(new Socket(address, port, localAddress, localPort));
    }
  }

  /**
   * TLS sockets. Angus connects a plain socket and layers TLS over it with {@link
   * #createSocket(Socket, String, int, boolean)}: TCP_NODELAY is set on that plain socket.
   */
  static final class Tls extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final boolean noDelay;

    Tls(SSLContext context, boolean noDelay) {
      this.delegate = context.getSocketFactory();
      this.noDelay = noDelay;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      s.setTcpNoDelay(noDelay);
      return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return createSocket(new Socket(host, port), host, port, true);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return createSocket(new Socket(host, port, localHost, localPort), host, port, true);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return createSocket(new Socket(host, port), host.getHostAddress(), port, true);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return createSocket(new Socket(address, port, localAddress, localPort), address.getHostAddress(), port, true);
    }
  }
}
