package org.outmail.bench;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.outmail.smtp.SmtpOptions;

/**
 * Sends one mail with a large attachment (a file, read as a stream) through outmail; meant to run
 * with a small heap ({@code -Xmx64m}) to show that the message is never held in memory whole.
 *
 * <pre>
 * java -Xmx64m -cp benchmarks.jar org.outmail.bench.MemoryCheck --port 2525 --file /tmp/big.bin [--mb 100] [--out results.txt]
 * </pre>
 */
public final class MemoryCheck {
  private MemoryCheck() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = Throughput.options(args);
    String host = opt.getOrDefault("host", "127.0.0.1");
    int port = Integer.parseInt(Throughput.req(opt, "port"));
    Path file = Path.of(Throughput.req(opt, "file"));
    int mb = Integer.parseInt(opt.getOrDefault("mb", "100"));
    if (!Files.exists(file) || Files.size(file) != mb * 1024L * 1024L) {
      write(file, mb);
    }
    long maxHeapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    String line;
    long t0 = System.nanoTime();
    try (MailboxRegistry registry = MailboxRegistry.builder()
        .mailbox(Mailbox.builder("bench")
            .emailDisplay(Throughput.FROM)
            .protocol("smtp")
            .host(host)
            .port(port)
            .encryption(Encryption.NONE)
            .options(SmtpOptions.builder().maxConnections(1).build())
            .defaultOutgoing(true)
            .build())
        .build()) {
      SendResult r = registry.defaultOutgoing().send(Email.builder()
          .to(Throughput.TO)
          .subject("Memory check: " + mb + " MB attachment")
          .text("See the attachment.")
          .attach("big.bin", "application/octet-stream", file)
          .build());
      double secs = (System.nanoTime() - t0) / 1e9;
      line = String.format(Locale.ROOT, "mem\tsize_mb=%d\theap_mb=%d\tok=true\tsecs=%.2f\taccepted=%s",
          mb, maxHeapMb, secs, r.acceptedRecipients());
    } catch (OutOfMemoryError | RuntimeException e) {
      double secs = (System.nanoTime() - t0) / 1e9;
      line = String.format(Locale.ROOT, "mem\tsize_mb=%d\theap_mb=%d\tok=false\tsecs=%.2f\terror=%s",
          mb, maxHeapMb, secs, String.valueOf(e).replaceAll("[\t\r\n]", " "));
    }
    System.out.println(line);
    if (opt.containsKey("out")) {
      Files.write(Path.of(opt.get("out")), List.of(line), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private static void write(Path file, int mb) throws Exception {
    byte[] chunk = new byte[1024 * 1024];
    Random random = new Random(42);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mb; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
  }
}
