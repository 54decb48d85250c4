package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;

/**
 * A mail with a 100 MB file attachment is sent from a JVM whose heap is 64 MB: as BDAT chunks of at
 * most {@link CommandByCommand#CHUNK} bytes read from the file when the server offers CHUNKING,
 * dot-stuffed after DATA when it does not. The server here counts what it gets and keeps none of
 * it.
 */
class StreamedMailMemoryTest {
  private static final long SIZE = 100L * 1024 * 1024;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aHundredMegabyteAttachmentGoesOutUnderASixtyFourMegabyteHeap(boolean chunking, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("big.bin");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(SIZE);
    }
    try (CountingServer server = new CountingServer(chunking)) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", cp, Sender.class.getName(),
          Integer.toString(server.port()),
          file.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();

      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("sent").doesNotContain("OutOfMemoryError");
      server.join();
      // base64: 4 bytes for every 3, plus line ends
      assertThat(server.contentBytes).isGreaterThan(SIZE * 4 / 3);
      if (chunking) {
        assertThat(server.chunks).isGreaterThan(100);
        assertThat(server.largestChunk).isLessThanOrEqualTo(CommandByCommand.CHUNK);
        assertThat(server.verbs).contains("BDAT").doesNotContain("DATA");
      } else {
        assertThat(server.verbs).contains("DATA").doesNotContain("BDAT");
      }
    }
  }

  /** Sends one mail with the file attached: {@code port file}. Run in a JVM of its own. */
  static final class Sender {
    public static void main(String[] args) throws Exception {
      int port = Integer.parseInt(args[0]);
      try (MailboxRegistry r = MailboxRegistry.builder()
          .mailbox(Fixtures.mailbox(port, Encryption.NONE).defaultOutgoing(true).build()).build()) {
        r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("big").text("see attached")
            .attach("big.bin", "application/octet-stream", Path.of(args[1])).build());
      }
      System.out.println("sent");
    }
  }

  /** One SMTP session that counts the content it gets and keeps none of it. */
  static final class CountingServer implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final Thread thread;
    private final boolean chunking;
    volatile long contentBytes;
    volatile int chunks;
    volatile int largestChunk;
    final List<String> verbs = new ArrayList<>();

    CountingServer(boolean chunking) throws IOException {
      this.chunking = chunking;
      thread = new Thread(this::serve, "counting-smtp");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    void join() throws InterruptedException {
      thread.join(10_000);
    }

    private void serve() {
      try (Socket s = listener.accept()) {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        write(out, "220 counting ESMTP");
        while (true) {
          String line = line(in);
          if (line == null) {
            return;
          }
          String verb = line.split(" ")[0].toUpperCase(Locale.ROOT);
          synchronized (verbs) {
            verbs.add(verb);
          }
          switch (verb) {
            case "EHLO" -> write(out,
                chunking ? "250-counting\r\n250-PIPELINING\r\n250 CHUNKING" : "250-counting\r\n250 PIPELINING");
            case "BDAT" -> {
              int n = Integer.parseInt(line.split(" ")[1]);
              in.skipNBytes(n);
              contentBytes += n;
              chunks++;
              largestChunk = Math.max(largestChunk, n);
              write(out, "250 2.0.0 Ok");
            }
            case "DATA" -> {
              write(out, "354 go ahead");
              long n = 0;
              ByteArrayOutputStream l = new ByteArrayOutputStream();
              while (true) {
                int b = in.read();
                if (b < 0) {
                  return;
                }
                n++;
                l.write(b);
                if (b == '\n') {
                  if (l.size() == 3 && l.toByteArray()[0] == '.') {
                    break;
                  }
                  l.reset();
                } else if (l.size() > 4) {
                  l.reset();
                  l.write('x');
                }
              }
              contentBytes = n;
              write(out, "250 2.0.0 Ok");
            }
            case "QUIT" -> {
              write(out, "221 bye");
              return;
            }
            default -> write(out, "250 2.0.0 Ok");
          }
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        b.write(c);
      }
      return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII).trim();
    }

    private static void write(OutputStream out, String reply) throws IOException {
      out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
