package org.outmail.smtp;

import static org.assertj.core.api.Assertions.fail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.outmail.test.contract.ReceivedMail;

/**
 * A real Postfix on 127.0.0.1, run by {@code scripts/postfix-local.sh} in a directory of its own
 * (configuration, queue, maildir, log): its smtpd offers PIPELINING, CHUNKING, 8BITMIME and SIZE,
 * accepts any recipient at {@link #DOMAIN}, refuses {@code rejected*@} with 550 and {@code later*@}
 * with 450, and delivers each accepted mail into one maildir, a file per recipient. What it
 * delivered and what its smtpd counted per connection ({@code mail=50 rcpt=100 bdat=50}) are read
 * back from the maildir and the log.
 */
final class LocalPostfix implements AutoCloseable {
  static final String DOMAIN = "postfix.test";
  private static final String SCRIPT_ENV = "OUTMAIL_TEST_POSTFIX_SCRIPT";
  private static final Pattern QUEUE_ID = Pattern.compile("\\(Postfix\\) with E?SMTPS?A? id ([0-9A-Za-z]+)");
  private static final Pattern SMTPD = Pattern.compile("postfix/smtpd\\[(\\d+)]: (connect|disconnect) from \\S+(.*)$");

  private final Path script;
  private final Path dir;
  private final int port;
  private final Map<String, String> environment;
  /** Stops the instance when the JVM ends without {@link #close} (a killed test run). */
  private final Thread stopAtExit;

  private LocalPostfix(Path script, Path dir, int port, Map<String, String> environment) {
    this.environment = environment;
    this.script = script;
    this.dir = dir;
    this.port = port;
    this.stopAtExit = new Thread(() -> run(script, Map.of(), false, "stop", dir.toString()), "postfix-local-stop");
  }

  /**
   * Starts a fresh instance in {@code dir} (an instance left running there is stopped and its files
   * deleted first) on a free port. Fails, never skips, when Postfix or the script is missing. When
   * the postfix user cannot reach {@code dir} (the checkout lies under a private directory), the
   * script keeps the instance under {@code /var/tmp/outmail-postfix/} and makes {@code dir} a link
   * to it: the paths read here stay the same.
   */
  static LocalPostfix start(Path dir, Map<String, String> environment) {
    Path script = script();
    Path absolute = dir.toAbsolutePath().normalize();
    run(script, Map.of(), true, "delete", absolute.toString());
    int port = freePort();
    LocalPostfix postfix = new LocalPostfix(script, absolute, port, environment);
    Runtime.getRuntime().addShutdownHook(postfix.stopAtExit);
    run(script, environment, true, "start", absolute.toString(), Integer.toString(port));
    postfix.awaitProbeLogged();
    return postfix;
  }

  /**
   * Waits (10 s at most) until the log holds the end of the script's start-up probe (a session
   * that says only QUIT): Postfix logs through postlogd, a line may come late on a loaded machine,
   * and a probe logged after a test's {@link #logMark} would count as one of its sessions.
   */
  private void awaitProbeLogged() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (logSince(0).stream().anyMatch(l -> SMTPD.matcher(l).find() && l.contains(" disconnect from "))) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Path script() {
    String configured = System.getenv(SCRIPT_ENV);
    Path script = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.dir")).resolve("../scripts/postfix-local.sh").normalize();
    if (!Files.isRegularFile(script)) {
      fail("%s not found (set %s to its path): these tests run a real Postfix with it", script, SCRIPT_ENV);
    }
    return script;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the script; when {@code check}, fails the test unless it succeeds, with its output. */
  private static void run(Path script, Map<String, String> environment, boolean check, String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(script.toString());
    command.addAll(List.of(args));
    Path output = null;
    try {
      output = Files.createTempFile("postfix-local", ".out");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(output.toFile());
      pb.environment().putAll(environment);
      Process p = pb.start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("%s did not finish within 90 s:%n%s", String.join(" ", command), Files.readString(output));
      }
      if (check && p.exitValue() != 0) {
        fail("%s failed (exit %d):%n%s", String.join(" ", command), p.exitValue(), Files.readString(output));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // a temporary file left behind
        }
      }
    }
  }

  int port() {
    return port;
  }

  /** Where the instance lives; its log is {@code log/maillog}. */
  Path dir() {
    return dir;
  }

  /**
   * One mail delivered to one recipient: one file of the maildir. {@code queueId} is the id Postfix
   * gave the SMTP transaction that brought it (its own {@code Received} header): two files with one
   * queue id are one mail handed over once and written twice by Postfix itself, which a stop
   * between writing the file and recording it can do; two queue ids are two transactions.
   */
  record Delivery(String recipient, String messageId, String subject, String queueId, Path file) {
    /** The delivered message as a mail reader sees it. */
    ReceivedMail read() {
      try (InputStream in = Files.newInputStream(file)) {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), in);
        return GreenMailServer.read(m, List.of(recipient));
      } catch (IOException | MessagingException e) {
        throw new IllegalStateException("cannot read " + file, e);
      }
    }
  }

  /**
   * Waits until Postfix delivered {@code expected} files of the given Message-IDs and its queue is
   * empty, then returns every delivery of those Message-IDs (a duplicate shows as a second one).
   */
  List<Delivery> awaitDeliveries(Collection<String> messageIds, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<Delivery> found = deliveries().stream().filter(d -> messageIds.contains(d.messageId())).toList();
      if (found.size() >= expected && queued() == 0) {
        return found;
      }
      if (System.nanoTime() > deadline) {
        fail("Postfix delivered %d of %d mail files within 30 s (%d still queued); last log lines:%n%s",
            found.size(), expected, queued(), String.join("\n", tail(30)));
      }
      Thread.sleep(50);
    }
  }

  /**
   * Sends one mail to {@code localPart@}{@link #DOMAIN} through a mailbox of its own (plain SMTP,
   * the defaults) and waits until Postfix delivered it; returns its deliveries (a duplicate shows as a
   * second one).
   */
  List<Delivery> sendOneAndAwait(String localPart, String subject) throws InterruptedException {
    SendResult result;
    try (MailboxRegistry r = MailboxRegistry.builder()
        .mailbox(Fixtures.mailbox(port, Encryption.NONE).defaultOutgoing(true).build()).build()) {
      result = r.defaultOutgoing()
          .send(Email.builder().to(localPart + "@" + DOMAIN).subject(subject).text("body").build());
    }
    return awaitDeliveries(Set.of(result.messageId()), 1);
  }

  /** Every file in the maildir's {@code new/}. */
  List<Delivery> deliveries() {
    Path maildir = dir.resolve("mail").resolve(DOMAIN).resolve("new");
    if (!Files.isDirectory(maildir)) {
      return List.of();
    }
    List<Delivery> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(maildir)) {
      for (Path f : files.sorted().toList()) {
        Map<String, String> h = headers(f);
        Matcher id = QUEUE_ID.matcher(h.getOrDefault("received", ""));
        out.add(
            new Delivery(h.get("delivered-to"), h.get("message-id"), h.get("subject"), id.find() ? id.group(1) : null,
                f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The first occurrence of each header of the file, names in lower case, folded lines unfolded. */
  private static Map<String, String> headers(Path file) throws IOException {
    Map<String, String> headers = new HashMap<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    try (var reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
        if ((line.startsWith(" ") || line.startsWith("\t")) && name != null) {
          value.append(' ').append(line.strip());
          continue;
        }
        if (name != null) {
          headers.putIfAbsent(name, value.toString());
        }
        int colon = line.indexOf(':');
        name = colon < 0 ? null : line.substring(0, colon).toLowerCase(Locale.ROOT);
        value.setLength(0);
        value.append(colon < 0 ? "" : line.substring(colon + 1).strip());
      }
    }
    if (name != null) {
      headers.putIfAbsent(name, value.toString());
    }
    return headers;
  }

  /** Mails Postfix took and has not delivered yet (its incoming and active queues). */
  private long queued() {
    long n = 0;
    for (String q : List.of("incoming", "active", "maildrop")) {
      try (Stream<Path> files = Files.walk(dir.resolve("queue").resolve(q))) {
        n += files.filter(Files::isRegularFile).count();
      } catch (IOException | UncheckedIOException e) {
        n++; // a file moved on while the directory was read: not idle yet
      }
    }
    return n;
  }

  /** A position in the log: {@link #sessionsSince} and {@link #logSince} read what came after it. */
  long logMark() {
    try {
      return Files.size(log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path log() {
    return dir.resolve("log").resolve("maillog");
  }

  /** The log lines written after {@code mark}. */
  List<String> logSince(long mark) {
    try {
      byte[] all = Files.readAllBytes(log());
      int from = (int) Math.min(mark, all.length);
      String text = new String(all, from, all.length - from, StandardCharsets.UTF_8);
      return text.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> tail(int lines) {
    List<String> all = logSince(0);
    return all.subList(Math.max(0, all.size() - lines), all.size());
  }

  /**
   * The SMTP sessions that began after {@code mark}, once each has ended (at least one): what
   * smtpd counted for each, command → "ok" or "ok/total" as its disconnect line says ({@code
   * mail=50 rcpt=99/100 bdat=50 quit=1}).
   */
  List<Map<String, String>> sessionsSince(long mark) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      Map<String, Integer> begun = new HashMap<>();
      List<Map<String, String>> sessions = new ArrayList<>();
      for (String line : logSince(mark)) {
        Matcher m = SMTPD.matcher(line);
        if (!m.find()) {
          continue;
        }
        if (m.group(2).equals("connect")) {
          begun.merge(m.group(1), 1, Integer::sum);
        } else if (begun.getOrDefault(m.group(1), 0) > 0) {
          // the end of a session that began after the mark (an earlier one's end is not counted)
          begun.merge(m.group(1), -1, Integer::sum);
          Map<String, String> counts = new LinkedHashMap<>();
          for (String kv : m.group(3).strip().split(" ")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
              counts.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
          }
          sessions.add(counts);
        }
      }
      int open = begun.values().stream().mapToInt(Integer::intValue).sum();
      if (open <= 0 && !sessions.isEmpty()) {
        return sessions;
      }
      if (System.nanoTime() > deadline) {
        fail("no SMTP session in Postfix's log, or %d still open 15 s after the registry was closed", open);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Stops the instance (smtpd refuses connections from then on) and keeps its files: {@link
   * #restart()} starts it again on the same port, with its maildir and queue as they were.
   */
  void stop() {
    run(script, Map.of(), true, "stop", dir.toString());
  }

  /** Starts a {@link #stop() stopped} instance again on its port; returns once it greets. */
  void restart() {
    run(script, environment, true, "start", dir.toString(), Integer.toString(port));
  }

  /** Stops the instance and deletes its files, wherever the script placed them. */
  void delete() {
    close();
    run(script, Map.of(), true, "delete", dir.toString());
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook stops the instance
      return;
    }
    run(script, Map.of(), true, "stop", dir.toString());
  }
}
