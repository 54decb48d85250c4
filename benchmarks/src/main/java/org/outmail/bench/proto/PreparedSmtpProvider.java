package org.outmail.bench.proto;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.outmail.CheckResult;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.TransportException;
import org.outmail.bench.Sockets;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.spi.TransportReceipt;

/**
 * PROTOTYPE (benchmarks only) of the changes proposed for transport-smtp, registered as protocol
 * {@code smtp} through {@code MailboxRegistry.Builder.transportProvider} so it replaces the real
 * one in the {@code proto-*} modes of the throughput program. No authentication, no retry
 * classification, no Check: only what the send path costs.
 *
 * <ul>
 *   <li>The message is encoded once into its wire bytes ({@link WireFormat}), kept with the
 *       message for retries.
 *   <li>Angus Mail still runs the session (greeting, EHLO, TLS, MAIL, RCPT, DATA, {@code .} and
 *       the replies); only the content between DATA and {@code .} bypasses its per-byte streams:
 *       {@link #data()} hands back the socket's own stream and the bytes go out in one write.
 *   <li>No {@code mail.smtp.writetimeout}: Angus implements it by scheduling a task on an executor
 *       for every write to the socket (every command, every 8 KB of content). Commands are a few
 *       bytes written after the server answered the previous one, so they never block on a full
 *       socket buffer; the content write is guarded by one timer per message instead.
 *   <li>TCP_NODELAY on every socket, a fixed pool of connections handed out without NOOP.
 * </ul>
 */
public final class PreparedSmtpProvider implements TransportProvider {
  private final boolean pipelining;

  /** @param pipelining whether to pipeline MAIL, RCPT and DATA when the server offers PIPELINING */
  public PreparedSmtpProvider(boolean pipelining) {
    this.pipelining = pipelining;
  }

  @Override
  public String protocol() {
    return "smtp";
  }

  @Override
  public MailTransport open(Mailbox mailbox, TransportContext context) {
    return new PreparedTransport(mailbox, pipelining);
  }

  /**
   * The message once encoded: {@code wire} is the content followed by the final {@code .CRLF};
   * {@code commands} the pipelined MAIL FROM, RCPT TO and DATA; {@code mime} carries the content
   * (without the final dot) through Angus's {@code sendMessage} when the server does not pipeline.
   */
  record Prepared(byte[] wire, byte[] commands, MimeMessage mime, Address[] envelope, String from) {}

  static final class PreparedTransport implements MailTransport {
    private final Mailbox mailbox;
    private final Session session;
    private final SSLContext ssl;
    private final Semaphore permits;
    private final BlockingQueue<Connection> idle;
    private final ScheduledThreadPoolExecutor timers;
    private final boolean pipelining;

    PreparedTransport(Mailbox mailbox, boolean pipelining) {
      this.mailbox = mailbox;
      this.pipelining = pipelining;
      this.session = Session.getInstance(baseProperties(mailbox));
      try {
        this.ssl = mailbox.encryption() == Encryption.NONE ? null
            : Sockets.trusting(mailbox.trustStore().map(Path::toAbsolutePath).orElseThrow());
      } catch (Exception e) {
        throw new IllegalStateException("prototype: cannot load the trust file: " + e, e);
      }
      this.permits = new Semaphore(mailbox.maxConnections());
      this.idle = new ArrayBlockingQueue<>(mailbox.maxConnections());
      this.timers = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "proto-smtp-timer");
        t.setDaemon(true);
        return t;
      });
      this.timers.setRemoveOnCancelPolicy(true);
    }

    private static Properties baseProperties(Mailbox m) {
      Properties p = new Properties();
      p.setProperty("mail.smtp.host", m.host().orElseThrow());
      p.setProperty("mail.smtp.port", Integer.toString(m.port()));
      p.setProperty("mail.smtp.connectiontimeout", Long.toString(m.connectTimeout().toMillis()));
      p.setProperty("mail.smtp.timeout", Long.toString(m.readTimeout().toMillis()));
      p.setProperty("mail.smtp.socketFactory.fallback", "false");
      p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
      p.setProperty("mail.smtp.ssl.enable", Boolean.toString(m.encryption() == Encryption.SSL_TLS));
      p.setProperty("mail.smtp.starttls.enable", Boolean.toString(m.encryption() == Encryption.STARTTLS));
      p.setProperty("mail.smtp.starttls.required", Boolean.toString(m.encryption() == Encryption.STARTTLS));
      p.setProperty("mail.smtp.sendpartial", "true");
      p.setProperty("mail.smtp.quitwait", "false");
      p.setProperty("mail.smtp.localhost", "outmail.localhost");
      return p;
    }

    @Override
    public TransportReceipt send(OutgoingMessage message) {
      Prepared p = message.prepared(Prepared.class, this::prepare);
      Connection c = null;
      boolean ok = false;
      try {
        permits.acquire();
        c = idle.poll();
        if (c == null) {
          c = open();
        }
        c.send(p, timers, mailbox.writeTimeout(), pipelining);
        ok = true;
        List<String> accepted = new ArrayList<>(p.envelope().length);
        for (Address a : p.envelope()) {
          accepted.add(((InternetAddress) a).getAddress());
        }
        return TransportReceipt.accepted(accepted, c.getLastServerResponse());
      } catch (MessagingException | IOException e) {
        throw TransportException.builder(mailbox.id(), "prototype: " + e).cause(e).build();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw TransportException.builder(mailbox.id(), "interrupted").cause(e).build();
      } finally {
        if (c != null) {
          if (ok) {
            idle.offer(c);
          } else {
            c.closeQuietly();
          }
        }
        permits.release();
      }
    }

    private Prepared prepare(OutgoingMessage m) {
      try {
        Address[] envelope = new Address[m.recipients().size()];
        for (int i = 0; i < envelope.length; i++) {
          envelope[i] = new InternetAddress(m.recipients().get(i));
        }
        byte[] wire = WireFormat.encode(session, m);
        if (wire == null) {
          throw new UnsupportedOperationException("prototype: only single-part messages take the wire path");
        }
        SMTPMessage carrier = new SMTPMessage(session) {
          @Override
          public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
            os.write(wire, 0, wire.length - 3);
          }
        };
        carrier.setEnvelopeFrom(m.fromAddress());
        StringBuilder cmds = new StringBuilder(64 + 40 * envelope.length);
        cmds.append("MAIL FROM:<").append(m.fromAddress()).append(">\r\n");
        for (String r : m.recipients()) {
          cmds.append("RCPT TO:<").append(r).append(">\r\n");
        }
        cmds.append("DATA\r\n");
        return new Prepared(wire, cmds.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), carrier,
            envelope, m.fromAddress());
      } catch (MessagingException e) {
        throw TransportException.builder(mailbox.id(), "prototype: " + e).cause(e).build();
      }
    }

    private Connection open() throws MessagingException {
      Properties p = new Properties();
      p.putAll(session.getProperties());
      Capture capture = new Capture(ssl);
      p.put("mail.smtp.socketFactory", capture.plain);
      if (ssl != null) {
        p.put("mail.smtp.ssl.socketFactory", capture.tls);
      }
      Session s = Session.getInstance(p);
      Connection c = new Connection(s, capture);
      c.connect();
      return c;
    }

    @Override
    public CheckResult check() {
      return CheckResult.failed("prototype", "no check in the prototype", Duration.ZERO);
    }

    @Override
    public void close() {
      Connection c;
      while ((c = idle.poll()) != null) {
        c.closeQuietly();
      }
      timers.shutdownNow();
    }
  }

  /** One connection: Angus's SMTP session, content written straight to the socket. */
  static final class Connection extends SMTPTransport {
    private final Capture capture;
    private boolean raw;

    Connection(Session session, Capture capture) {
      super(session, new URLName("smtp", null, -1, null, null, null));
      this.capture = capture;
    }

    void send(Prepared p, ScheduledThreadPoolExecutor timers, Duration writeTimeout, boolean pipelining)
        throws MessagingException, IOException {
      Socket socket = capture.socket;
      ScheduledFuture<?> timer = timers.schedule(() -> {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing is all that can be done
        }
      }, writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
      raw = true;
      try {
        if (pipelining && supportsExtension("PIPELINING")) {
          pipelined(p);
        } else {
          sendMessage(p.mime(), p.envelope());
        }
      } finally {
        raw = false;
        timer.cancel(false);
      }
    }

    /**
     * RFC 2920: MAIL FROM, every RCPT TO and DATA in one write, then their replies; then the
     * content and the final dot in one write, then its reply. Two round trips per message instead
     * of four (Angus does not pipeline).
     */
    private void pipelined(Prepared p) throws IOException, MessagingException {
      OutputStream out = capture.socket.getOutputStream();
      out.write(p.commands());
      out.flush();
      int mail = readServerResponse();
      String mailReply = getLastServerResponse();
      int accepted = 0;
      StringBuilder refused = new StringBuilder();
      for (Address a : p.envelope()) {
        int rcpt = readServerResponse();
        if (rcpt == 250 || rcpt == 251) {
          accepted++;
        } else {
          refused.append(' ').append(a).append(": ").append(getLastServerResponse());
        }
      }
      int data = readServerResponse();
      if (mail != 250 || accepted == 0 || data != 354) {
        if (data == 354) {
          // nothing to send, but the server waits for content: end it empty, it is then refused or dropped
          out.write(new byte[] {'.', '\r', '\n'});
          out.flush();
          readServerResponse();
        }
        throw new MessagingException("not sent: MAIL " + mailReply + ";" + refused + "; DATA " + getLastServerResponse());
      }
      out.write(p.wire());
      out.flush();
      int end = readServerResponse();
      if (end != 250) {
        throw new MessagingException("refused after DATA: " + getLastServerResponse());
      }
      // (a real transport reports the refused recipients as a partial receipt)
    }

    @Override
    protected OutputStream data() throws MessagingException {
      OutputStream angus = super.data();
      if (!raw) {
        return angus;
      }
      try {
        return new FilterOutputStream(capture.socket.getOutputStream()) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
      } catch (IOException e) {
        throw new MessagingException("no socket", e);
      }
    }

    void closeQuietly() {
      try {
        close();
      } catch (MessagingException | RuntimeException ignored) {
        // done with it either way
      }
    }
  }

  /** Socket factories of one connection that remember the socket they made (the TLS one, if any). */
  static final class Capture {
    volatile Socket socket;
    final SocketFactory plain;
    final SSLSocketFactory tls;

    Capture(SSLContext ssl) {
      plain = new SocketFactory() {
        @Override
        public Socket createSocket() throws IOException {
          Socket s = new Socket();
          s.setTcpNoDelay(true);
          socket = s;
          return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
          throw new IOException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
          throw new IOException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
          throw new IOException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
          throw new IOException("unconnected sockets only");
        }
      };
      tls = ssl == null ? null : new SSLSocketFactory() {
        private final SSLSocketFactory delegate = ssl.getSocketFactory();

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
          s.setTcpNoDelay(true);
          Socket layered = delegate.createSocket(s, host, port, autoClose);
          socket = layered;
          return layered;
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
        public Socket createSocket(String host, int port) throws IOException {
          throw new IOException("layered sockets only");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
          throw new IOException("layered sockets only");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
          throw new IOException("layered sockets only");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
          throw new IOException("layered sockets only");
        }
      };
    }
  }
}
