package org.outmail.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.outmail.spi.Tls;

/**
 * Socket factories handed to Angus Mail. Both set {@code TCP_NODELAY}: Angus never does, and on a
 * reused connection a message then waits for the server's delayed ACK.
 *
 * <p>While a connection opens, the thread opening it may {@link #capture} the sockets made for it:
 * the TCP socket (which {@link WriteWatchdog} closes when a write stalls) and the socket the SMTP
 * session talks through (the TLS one for SSL/STARTTLS), to which {@link SmtpConnection} writes
 * prepared bytes. Angus makes them on the thread that calls {@code connect}, STARTTLS included.
 */
final class SocketFactories {
  private static final ThreadLocal<BiConsumer<Socket, Socket>> CAPTURE = new ThreadLocal<>();

  private SocketFactories() {}

  /** Hands the sockets made on this thread, (TCP socket, session socket), to the sink until {@link #endCapture}. */
  static void capture(BiConsumer<Socket, Socket> sink) {
    CAPTURE.set(sink);
  }

  static void endCapture() {
    CAPTURE.remove();
  }

  private static Socket captured(Socket tcp, Socket session) {
    BiConsumer<Socket, Socket> sink = CAPTURE.get();
    if (sink != null) {
      sink.accept(tcp, session);
    }
    return session;
  }

  /** Plain sockets ({@code mail.smtp.socketFactory}): Angus creates them unconnected. */
  static final class Plain extends SocketFactory {
    @Override
    public Socket createSocket() throws IOException {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      return captured(s, s);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return self(noDelay(new Socket(host, port)));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return self(noDelay(new Socket(host, port, localHost, localPort)));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return self(noDelay(new Socket(host, port)));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return self(noDelay(new Socket(address, port, localAddress, localPort)));
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
      return captured(s, seen(delegate.createSocket(s, host, port, autoClose)));
    }

    @Override
    public Socket createSocket() throws IOException {
      return self(seen(noDelay(delegate.createSocket())));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return self(seen(noDelay(delegate.createSocket(host, port))));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return self(seen(noDelay(delegate.createSocket(host, port, localHost, localPort))));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return self(seen(noDelay(delegate.createSocket(host, port))));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return self(seen(noDelay(delegate.createSocket(address, port, localAddress, localPort))));
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

  private static Socket self(Socket s) {
    return captured(s, s);
  }

  private static Socket noDelay(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    return s;
  }
}
