package org.outmail.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.Consumer;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories handed to Angus Mail. Both set {@code TCP_NODELAY}: Angus never does, and on a
 * reused connection a message then waits for the server's delayed ACK.
 */
final class SocketFactories {
  private SocketFactories() {}

  /** Plain sockets ({@code mail.smtp.socketFactory}): Angus creates them unconnected. */
  static final class Plain extends SocketFactory {
    @Override
    public Socket createSocket() throws IOException {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(new Socket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return noDelay(new Socket(address, port, localAddress, localPort));
    }
  }

  /**
   * TLS sockets ({@code mail.smtp.ssl.socketFactory}), from the mailbox's TLS context. Angus layers
   * them over a connected plain socket, for implicit TLS as for STARTTLS; a listener may watch each
   * one (the Check reads the negotiated protocol from it).
   */
  static final class Tls extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final Consumer<SSLSocket> listener;

    Tls(SSLSocketFactory delegate, Consumer<SSLSocket> listener) {
      this.delegate = delegate;
      this.listener = listener;
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      s.setTcpNoDelay(true);
      return seen(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket() throws IOException {
      return seen(noDelay(delegate.createSocket()));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return seen(noDelay(delegate.createSocket(host, port)));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return seen(noDelay(delegate.createSocket(host, port, localHost, localPort)));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return seen(noDelay(delegate.createSocket(host, port)));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return seen(noDelay(delegate.createSocket(address, port, localAddress, localPort)));
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    private Socket seen(Socket socket) {
      if (listener != null && socket instanceof SSLSocket ssl) {
        listener.accept(ssl);
      }
      return socket;
    }
  }

  private static Socket noDelay(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    return s;
  }
}
