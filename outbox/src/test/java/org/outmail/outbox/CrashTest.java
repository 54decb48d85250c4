package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host process delivering from the embedded store is killed with SIGKILL at random moments,
 * three times, and started again. Every mail whose enqueue returned is delivered; a mail is
 * delivered twice only if it was being sent at a kill; nothing stays claimed.
 */
class CrashTest {
  static final int MAILS = 5_000;

  @TempDir
  Path temp;

  @Test
  @Timeout(300)
  void killedThreeTimesWithSigkillLosesNothingAndDuplicatesOnlyWhatWasInFlight() throws Exception {
    Path store = temp.resolve("store");
    Path log = temp.resolve("enqueued.log");
    Random random = new Random();
    List<Integer> inFlightAtKills = new ArrayList<>();
    List<Integer> enqueuedAtKills = new ArrayList<>();
    try (RecordingSmtpServer smtp = new RecordingSmtpServer()) {
      for (int kill = 0; kill < 3; kill++) {
        Process child = start(store, smtp.port(), log);
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).as("the child opened its outbox").isEqualTo("started");
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-output");
        drain.setDaemon(true);
        drain.start();
        // a random moment: the child is enqueuing, sending, or both (this wait only picks when to kill)
        long delay = 300 + random.nextInt(2700);
        assertThat(child.waitFor(delay, TimeUnit.MILLISECONDS)).as("the child runs until it is killed").isFalse();
        child.destroyForcibly().waitFor();
        Map<String, Integer> states = states(store);
        inFlightAtKills.add(states.getOrDefault("SENDING", 0));
        enqueuedAtKills.add(enqueued(log).size());
      }
      Process last = start(store, smtp.port(), log);
      java.util.concurrent.CompletableFuture<String> lastOutput = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          return e.toString();
        }
      });
      if (!last.waitFor(240, TimeUnit.SECONDS)) {
        String threads = threadDump(last.pid());
        last.destroyForcibly().waitFor();
        String output = lastOutput.get(30, TimeUnit.SECONDS);
        throw new AssertionError("the last run did not finish within 240 s; mails by state: " + states(store)
            + "\n--- its output:\n" + output + "\n--- its threads:\n" + threads);
      }
      String output = lastOutput.get(30, TimeUnit.SECONDS);
      assertThat(output).contains("done");
      assertThat(last.exitValue()).isZero();

      Set<Integer> enqueued = enqueued(log);
      assertThat(enqueued).hasSize(MAILS);
      Map<String, String> sent = new HashMap<>();
      try (Connection c = sqlite(store); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT idempotency_key, message_id, state FROM outmail_outbox")) {
        while (rs.next()) {
          assertThat(rs.getString(3)).as(rs.getString(1)).isEqualTo("SENT");
          sent.put(rs.getString(1), rs.getString(2));
        }
      }
      Map<String, Long> received = smtp.messageIds().stream()
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      for (int n : enqueued) {
        String messageId = sent.get("mail-" + n);
        assertThat(messageId).as("mail %d is in the store", n).isNotNull();
        assertThat(received).as("mail %d was delivered", n).containsKey(messageId);
      }
      long duplicates = received.values().stream().mapToLong(v -> v - 1).sum();
      int inFlight = inFlightAtKills.stream().mapToInt(Integer::intValue).sum();
      System.out.printf("crash test: %d mails, enqueued at the kills %s, in flight at the kills %s, %d received, %d duplicate(s)%n",
          MAILS, enqueuedAtKills, inFlightAtKills, smtp.received().size(), duplicates);
      assertThat(duplicates).as("duplicates; the attempts of each mail received more than once:%n%s",
          attemptsOf(store, received.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList()))
          .isLessThanOrEqualTo(inFlight);
      assertThat(received).hasSize(MAILS);
      assertThat(states(store)).doesNotContainKey("SENDING");
    }
  }

  @Test
  @Timeout(60)
  void aSecondProcessOnTheSameStoreGetsAClearError() throws Exception {
    Path store = temp.resolve("locked");
    try (Outbox outbox = Outbox.builder().registry(org.outmail.MailboxRegistry.builder().build())
        .store(OutboxStore.embedded(store)).workers(0).build()) {
      Process other = new ProcessBuilder(java(), "-cp", classpath(), OutboxChild.class.getName(), "open", store.toString())
          .redirectErrorStream(true).start();
      assertThat(other.waitFor(50, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
          .isEqualTo("the outbox store in " + store.toAbsolutePath() + " is in use by another process: one process at a "
              + "time may open it (stop the other, or give this one its own directory)");
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Outbox.builder()
          .registry(org.outmail.MailboxRegistry.builder().build()).store(OutboxStore.embedded(store)).workers(0).build()))
          .isInstanceOf(OutboxException.class).hasMessageContaining("is already open in this process");
    }
    Process again = new ProcessBuilder(java(), "-cp", classpath(), OutboxChild.class.getName(), "open", store.toString())
        .redirectErrorStream(true).start();
    assertThat(again.waitFor(50, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("opened");
  }

  private Process start(Path store, int port, Path log) throws IOException {
    return new ProcessBuilder(java(), "-Xmx256m", "-cp", classpath(), OutboxChild.class.getName(), "deliver",
        store.toString(), Integer.toString(port), Integer.toString(MAILS), log.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
  }

  /** Each attempt of the mails with these Message-IDs, as the store recorded it: to see why one went twice. */
  private static String attemptsOf(Path store, List<String> messageIds) {
    StringBuilder out = new StringBuilder();
    try (Connection c = sqlite(store); java.sql.PreparedStatement p = c.prepareStatement("SELECT o.message_id, a.attempt, a.node, "
        + "a.started_at, a.finished_at, a.outcome, a.detail FROM outmail_outbox o JOIN outmail_outbox_attempt a "
        + "ON a.mail_id = o.id WHERE o.message_id = ? ORDER BY a.attempt")) {
      for (String id : messageIds) {
        p.setString(1, id);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.append(String.format("%s attempt %d node %s started %d finished %d %s %s%n", rs.getString(1), rs.getInt(2),
                rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getString(6), rs.getString(7)));
          }
        }
      }
    } catch (Exception e) {
      out.append("no attempts: ").append(e);
    }
    return out.toString();
  }

  /** The threads of a process, as {@code jstack} prints them, to see where a stuck run waits. */
  private static String threadDump(long pid) {
    try {
      Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
          Long.toString(pid)).redirectErrorStream(true).start();
      String dump = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jstack.waitFor(30, TimeUnit.SECONDS);
      return dump;
    } catch (IOException | InterruptedException e) {
      return "no thread dump: " + e;
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private static Set<Integer> enqueued(Path log) throws IOException {
    Set<Integer> out = new HashSet<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        if (!line.isBlank()) {
          out.add(Integer.parseInt(line.strip()));
        }
      }
    }
    return out;
  }

  /** Mails by state, read straight from the store's file while no process has it open. */
  private static Map<String, Integer> states(Path store) throws Exception {
    Map<String, Integer> out = new HashMap<>();
    if (!Files.exists(store.resolve("outbox.db"))) {
      return out;
    }
    try (Connection c = sqlite(store); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT state, COUNT(*) FROM outmail_outbox GROUP BY state")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  private static Connection sqlite(Path store) throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + store.toAbsolutePath().resolve("outbox.db"));
  }
}
