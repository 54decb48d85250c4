package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host processes killed with SIGKILL at random moments, while they enqueue and while they only
 * deliver, with a thread burning CPU beside them, over 10,000 mails with unique idempotency keys:
 * every mail whose enqueue returned is delivered (counted at the receiving server by the key in a
 * header), the store opens after every kill, nothing is left waiting or being sent, and a mail goes
 * out more than once only as many times as it was being sent at a kill (read from the store right
 * after each kill). Once on the embedded store (one process, killed 24 times), once with two nodes
 * on PostgreSQL (one killed 12 times and started again under a new node id while the other runs).
 *
 * <p>The kills, mails and pace can be raised with system properties for a longer soak ({@code
 * scripts/outbox-soak.sh}): {@code outmail.crash.kills}, {@code outmail.crash.nodeKills}, {@code
 * outmail.crash.mails}, {@code outmail.crash.rate} (mails enqueued a second by a child), {@code
 * outmail.crash.serverMillis} (the server's time per mail, which paces delivery), {@code
 * outmail.crash.result} (a file the one-line result is written to).
 */
class CrashTest {
  static final int KILLS = Integer.getInteger("outmail.crash.kills", 24);
  static final int NODE_KILLS = Integer.getInteger("outmail.crash.nodeKills", 12);
  static final int MAILS = Integer.getInteger("outmail.crash.mails", 10_000);
  /** How long a child runs, on average, between opening its outbox and the kill. */
  static final long MEAN_RUN_MILLIS = 1_400;
  /**
   * The children's lease: short, so that the surviving node takes a killed node's mails over soon,
   * and longer than a live node stalls on a loaded machine with the CPU burner beside it (with 2 s, a
   * node that was not killed once went 4.5 s without renewing, and another node sent its mails again:
   * what a lease cannot cover, see the outbox README).
   */
  static final long LEASE_MILLIS = 5_000;
  /** Connections a node's mailbox opens to the server at most (the SMTP transport's default). */
  static final int CONNECTIONS_PER_NODE = 3;

  @TempDir Path temp;

  /** What the store held right after a kill: the keys of the mails the killed process was sending. */
  record Kill(int round, String node, boolean whileEnqueuing, long ranMillis, long atMillis, Set<String> sending) {}

  @Test
  void embeddedStoreKilledAtRandomMomentsOfEnqueueAndDrainLosesNothingAndResendsOnlyWhatWasBeingSent() {
    assertTimeoutPreemptively(Duration.ofSeconds(240 + KILLS * 10L + MAILS / 100), this::embeddedRun);
  }

  private void embeddedRun() throws Exception {
    Path store = temp.resolve("store");
    Path log = temp.resolve("acknowledged.log");
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    Pace pace = new Pace(KILLS, MAILS, CONNECTIONS_PER_NODE * KILLS * MEAN_RUN_MILLIS / MAILS);
    List<Kill> kills = new ArrayList<>();
    long start = System.nanoTime();
    try (RecordingSmtpServer smtp = new RecordingSmtpServer().endOfDataReply(pace.server())) {
      List<String> args = List.of("deliver", "--store=" + store, "--port=" + smtp.port(), "--mails=" + MAILS,
          "--log=" + log, "--lease=" + LEASE_MILLIS, "--burn=1");
      for (int round = 1; round <= KILLS; round++) {
        pace.adjust(round, smtp.received().size());
        double rate = pace.rate(round, MAILS - OutboxChild.readLog(log).size());
        try (ChildProcess child = ChildProcess.start("run " + round, with(args, "--rate=" + rate))) {
          int r = round;
          long ran = runThenKill(child, round, round > KILLS / 2, random, () -> pace.adjust(r, smtp.received().size()));
          kills.add(inspectEmbedded(store, round, !child.saw("enqueued"), ran));
          pace.print(kills.get(kills.size() - 1), rate, smtp.received().size());
        }
      }
      pace.finish();
      try (ChildProcess last = ChildProcess.start("last run", with(args, "--until=idle"))) {
        assertThat(last.await("started", 120_000)).as(() -> "the outbox opens after the last kill\n" + last.describe())
            .isTrue();
        int exit = last.awaitExit(60_000 + MAILS * 10L);
        assertThat(exit).as(() -> "the last run delivers everything and ends (seed " + seed + ")\nmails by state: "
            + statesOf(() -> sqlite(store)) + "\n" + last.describe()).isZero();
        assertThat(last.saw("done")).isTrue();
      }
      System.out.println(verify("embedded", OutboxChild.readLog(log), smtp, () -> sqlite(store), kills, KILLS,
          (System.nanoTime() - start) / 1_000_000_000.0, seed));
    }
  }

  @Test
  void twoNodesOnPostgresOneKilledRepeatedlyLoseNothingAndResendOnlyWhatTheKilledNodeWasSending() {
    assertTimeoutPreemptively(Duration.ofSeconds(240 + NODE_KILLS * 15L + MAILS / 100), this::postgresRun);
  }

  private void postgresRun() throws Exception {
    Path survivorLog = temp.resolve("survivor.log");
    Path killedLog = temp.resolve("killed.log");
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    // each node enqueues half the mails; the killed one is paced round by round, the survivor at the first rounds' rate
    Pace pace = new Pace(NODE_KILLS, MAILS, 2 * CONNECTIONS_PER_NODE * NODE_KILLS * MEAN_RUN_MILLIS / MAILS);
    AtomicBoolean burning = new AtomicBoolean(true);
    Thread burner = new Thread(() -> burn(burning), "cpu-burner");
    burner.setDaemon(true);
    List<Kill> kills = new ArrayList<>();
    long start = System.nanoTime();
    try (HikariDataSource db = Fixtures.postgres(2);
        RecordingSmtpServer smtp = new RecordingSmtpServer().endOfDataReply(pace.server())) {
      Fixtures.dropOutboxTables(db);
      List<String> common = List.of("deliver", "--postgres", "--port=" + smtp.port(), "--mails=" + MAILS,
          "--lease=" + LEASE_MILLIS, "--step=2");
      burner.start();
      try (ChildProcess survivor = ChildProcess.start("survivor",
          with(common, "--node=survivor", "--first=0", "--log=" + survivorLog, "--rate=" + pace.rate(1, MAILS / 2)))) {
        assertThat(survivor.await("started", 120_000)).as(() -> "the survivor opens its outbox\n" + survivor.describe())
            .isTrue();
        for (int round = 1; round <= NODE_KILLS; round++) {
          String node = "killed-" + round;
          pace.adjust(round, smtp.received().size());
          double rate = pace.rate(round, MAILS / 2 - OutboxChild.readLog(killedLog).size());
          try (ChildProcess child = ChildProcess.start(node,
              with(common, "--node=" + node, "--first=1", "--log=" + killedLog, "--rate=" + rate))) {
            int r = round;
            long ran = runThenKill(child, round, round > NODE_KILLS / 2, random,
                () -> pace.adjust(r, smtp.received().size()));
            long at = System.currentTimeMillis();
            kills.add(new Kill(round, node, !child.saw("enqueued"), ran, at, sendingBy(db, node)));
            pace.print(kills.get(kills.size() - 1), rate, smtp.received().size());
          }
          assertThat(survivor.alive()).as(() -> "the survivor runs on\n" + survivor.describe()).isTrue();
        }
        pace.finish();
        try (ChildProcess last = ChildProcess.start("last",
            with(common, "--node=last", "--first=1", "--log=" + killedLog))) {
          long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60_000 + MAILS * 10L);
          while (!(last.saw("enqueued") && survivor.saw("enqueued") && waiting(db) == 0)) {
            assertThat(System.nanoTime() < deadline && last.alive() && survivor.alive())
                .as(() -> "both nodes run until every mail is delivered (seed " + seed + "); mails by state: "
                    + statesOf(db::getConnection) + "\n" + survivor.describe() + "\n" + last.describe())
                .isTrue();
            Thread.sleep(200);
          }
          survivor.send("stop");
          last.send("stop");
          assertThat(survivor.awaitExit(60_000)).as(() -> "the survivor closes\n" + survivor.describe()).isZero();
          assertThat(last.awaitExit(60_000)).as(() -> "the last node closes\n" + last.describe()).isZero();
        }
      } finally {
        burning.set(false);
      }
      Set<Integer> acknowledged = OutboxChild.readLog(survivorLog);
      acknowledged.addAll(OutboxChild.readLog(killedLog));
      long takeover = takeoverMillis(db, kills);
      String result = verify("postgres, two nodes", acknowledged, smtp, db::getConnection, kills, NODE_KILLS,
          (System.nanoTime() - start) / 1_000_000_000.0, seed);
      System.out.printf("%s; a killed node's mails were taken over at most %d ms after the kill (lease %d ms)%n",
          result,
          takeover, LEASE_MILLIS);
    }
  }

  /**
   * Paces a run so that its kills find work to cut short, whatever the machine's speed: enqueuing
   * spread over the first half of the kills, delivery over all of them. Before each kill it sets the
   * rate at which the child enqueues (what is left, over the enqueuing rounds left) and the server's
   * time per mail (doubled when delivery runs ahead of the kills, halved when it falls behind); after
   * the last kill the server answers at once. The system properties {@code outmail.crash.rate} and
   * {@code outmail.crash.serverMillis} fix them instead.
   */
  static final class Pace {
    private final int kills;
    private final int mails;
    private final Double fixedRate;
    private final boolean fixedServer;
    private final AtomicLong serverMillis;

    Pace(int kills, int mails, long serverMillis) {
      this.kills = kills;
      this.mails = mails;
      String rate = System.getProperty("outmail.crash.rate");
      this.fixedRate = rate == null || rate.isBlank() ? null : Double.valueOf(rate);
      Long server = Long.getLong("outmail.crash.serverMillis");
      this.fixedServer = server != null;
      this.serverMillis = new AtomicLong(server != null ? server : Math.max(1, serverMillis));
    }

    /** The server's answer to each mail, after the current time per mail. */
    java.util.function.Supplier<String> server() {
      return () -> {
        long millis = serverMillis.get();
        if (millis > 0) {
          try {
            Thread.sleep(millis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return "250 2.0.0 Ok: queued";
      };
    }

    /**
     * Before kill {@code round}, and while a child catches up on enqueuing: slows the server when
     * delivery ran ahead of the kills, speeds it up when behind.
     */
    void adjust(int round, int received) {
      if (fixedServer) {
        return;
      }
      double expected = 0.9 * mails * (round - 1) / kills; // a little behind, so that the last kills find mail to send
      if (received > expected + 0.03 * mails) {
        serverMillis.set(Math.min(500, Math.max(1, serverMillis.get() * 2)));
      } else if (received < expected - 0.03 * mails) {
        serverMillis.set(serverMillis.get() / 2);
      }
    }

    /** Mails a second the child of kill {@code round} enqueues; 0: as fast as it can (the kills while only delivering). */
    double rate(int round, int left) {
      if (fixedRate != null) {
        return fixedRate;
      }
      int enqueuingRoundsLeft = kills / 2 - round + 1;
      return enqueuingRoundsLeft < 1 ? 0
          : Math.ceil(Math.max(1, left) / (enqueuingRoundsLeft * MEAN_RUN_MILLIS / 1000.0));
    }

    void finish() {
      serverMillis.set(0);
    }

    void print(Kill k, double rate, int received) {
      System.out.printf("kill %d (%s) after %d ms: %d mail(s) being sent, %d received so far; enqueue rate %.0f/s, "
          + "server %d ms a mail%n", k.round(), k.whileEnqueuing() ? "enqueuing" : "delivering", k.ranMillis(),
          k.sending().size(), received, rate, serverMillis.get());
    }
  }

  /**
   * Waits until the child opened its outbox (it could not if the kill before had broken the store),
   * and for a kill while it only delivers, until it acknowledged every mail and the server took one
   * (a JVM just started takes a moment before its first mail goes out); then lets it run for a random
   * time and kills it with SIGKILL. How long it ran after opening its outbox.
   */
  private static long runThenKill(ChildProcess child, int round, boolean drainOnly, Random random,
      Runnable whileWaiting)
      throws Exception {
    assertThat(child.await("started", 120_000))
        .as(() -> "the outbox opens after kill " + (round - 1) + "\n" + child.describe())
        .isTrue();
    long opened = System.nanoTime();
    if (drainOnly) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (!child.await("enqueued", 500) && child.alive() && System.nanoTime() < deadline) {
        whileWaiting.run();
      }
      assertThat(child.saw("enqueued")).as(() -> child + " enqueues every mail\n" + child.describe()).isTrue();
      // with nothing left to send (another node sent it) it never prints it: then the kill comes anyway
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!child.await("delivering", 500) && child.alive() && System.nanoTime() < deadline) {
        whileWaiting.run();
      }
    }
    Thread.sleep(drainOnly ? 100 + random.nextInt(1_500) : 300 + random.nextInt(2_200));
    assertThat(child.alive()).as(() -> child + " runs until it is killed\n" + child.describe()).isTrue();
    child.kill();
    return (System.nanoTime() - opened) / 1_000_000;
  }

  /**
   * Checks a run and returns its one-line result: every acknowledged mail delivered, each mail in
   * the store and sent, and every copy beyond the first explained by a kill at which that mail was
   * being sent.
   */
  private static String verify(String label, Set<Integer> acknowledged, RecordingSmtpServer smtp, Db db,
      List<Kill> kills,
      int expectedKills, double seconds, long seed) throws Exception {
    assertThat(kills).hasSize(expectedKills);
    long whileEnqueuing = kills.stream().filter(Kill::whileEnqueuing).count();
    assertThat(whileEnqueuing).as("kills while enqueuing").isGreaterThanOrEqualTo(expectedKills / 4);
    assertThat(expectedKills - whileEnqueuing).as("kills while only delivering")
        .isGreaterThanOrEqualTo(expectedKills / 4);

    Set<String> keys = new HashSet<>();
    for (int k = 0; k < MAILS; k++) {
      keys.add("mail-" + k);
    }
    assertThat(acknowledged).as("every enqueue returned in the end").hasSize(MAILS);
    Map<String, Long> received = smtp.received().stream()
        .collect(Collectors.groupingBy(r -> String.valueOf(r.header(OutboxChild.KEY_HEADER)), Collectors.counting()));
    Set<String> lost = new HashSet<>(keys);
    lost.removeAll(received.keySet());
    assertThat(lost)
        .as(() -> "acknowledged mails never delivered (seed " + seed + "): " + attemptsOf(db, List.copyOf(lost)))
        .isEmpty();
    List<RecordingSmtpServer.Received> strangers = smtp.received().stream()
        .filter(r -> !keys.contains(String.valueOf(r.header(OutboxChild.KEY_HEADER)))).toList();
    assertThat(strangers).as(() -> "every mail received is one of those enqueued (seed " + seed + "); received "
        + strangers.size() + " other(s), " + smtp.cutOff()
        + " message(s) cut off before the final dot were not counted:\n"
        + strangers.stream().limit(20).map(CrashTest::describe).collect(Collectors.joining("\n"))).isEmpty();

    Map<String, String> states = new HashMap<>();
    try (Connection c = db.open();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT idempotency_key, state FROM outmail_outbox")) {
      while (rs.next()) {
        states.put(rs.getString(1), rs.getString(2));
      }
    }
    assertThat(states.keySet()).as("one row a mail").isEqualTo(keys);
    Map<String, Long> notSent = states.values().stream().filter(st -> !st.equals("SENT"))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(notSent).as("nothing left unsent, nothing left SENDING").isEmpty();

    Map<String, Integer> inFlightAt = new HashMap<>();
    kills.forEach(k -> k.sending().forEach(key -> inFlightAt.merge(key, 1, Integer::sum)));
    long duplicates = 0;
    List<String> unexplained = new ArrayList<>();
    for (Map.Entry<String, Long> e : received.entrySet()) {
      long extra = e.getValue() - 1;
      duplicates += extra;
      if (extra > inFlightAt.getOrDefault(e.getKey(), 0)) {
        unexplained.add(e.getKey());
      }
    }
    int maxInFlight = kills.stream().mapToInt(k -> k.sending().size()).max().orElse(0);
    String result = String.format("crash (%s): kills %d (%d while enqueuing, %d while only delivering), mails %d, "
        + "delivered %d, duplicates %d, in flight at the kills max %d (%d distinct), cut off in their data at a kill %d, "
        + "duration %.0f s", label, kills.size(), whileEnqueuing, kills.size() - whileEnqueuing, MAILS, received.size(),
        duplicates, maxInFlight, inFlightAt.size(), smtp.cutOff(), seconds);
    System.out.println(
        "in flight at each kill: " + kills.stream().map(k -> k.sending().size() + (k.whileEnqueuing() ? "e" : "d"))
            .collect(Collectors.joining(" ")));
    String file = System.getProperty("outmail.crash.result");
    if (file != null && !file.isBlank()) {
      Files.writeString(Path.of(file), result + "\n", StandardCharsets.UTF_8);
    }
    assertThat(unexplained).as(() -> "mails received more often than they were being sent at the kills (seed " + seed
        + "): " + unexplained.stream().limit(50).map(k -> k + " received " + received.get(k) + " times, sending at "
            + inFlightAt.getOrDefault(k, 0) + " kill(s)").collect(Collectors.joining(", "))
        + "; their attempts:\n" + attemptsOf(db, unexplained)).isEmpty();
    assertThat(duplicates).as("duplicates").isLessThanOrEqualTo(kills.stream().mapToInt(k -> k.sending().size()).sum());
    return result;
  }

  /** A received mail as the server saw it: its key header, Message-ID, envelope, size and first lines. */
  private static String describe(RecordingSmtpServer.Received r) {
    String text = r.text();
    String head = text == null ? "(data not kept)" : text.substring(0, Math.min(text.length(), 600))
        .replace("\r\n", "\\r\\n\n    ");
    return "key " + r.header(OutboxChild.KEY_HEADER) + ", Message-ID " + r.messageId() + ", from " + r.mailFrom()
        + " to "
        + r.recipients() + ", " + r.size() + " bytes:\n    " + head;
  }

  /** The most time between a kill and the end (as UNKNOWN) of an attempt of the killed node, by another node. */
  private static long takeoverMillis(HikariDataSource db, List<Kill> kills) throws SQLException {
    Map<String, Long> killedAt = kills.stream().collect(Collectors.toMap(Kill::node, Kill::atMillis));
    long max = 0;
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT node, MAX(finished_at) FROM outmail_outbox_attempt WHERE outcome = 'UNKNOWN' GROUP BY node")) {
      while (rs.next()) {
        Long at = killedAt.get(rs.getString(1));
        assertThat(at).as("only killed nodes lose their leases, not %s", rs.getString(1)).isNotNull();
        max = Math.max(max, rs.getLong(2) - at);
      }
    }
    return max;
  }

  /** Integrity check and what was being sent, read straight from the store's file while no process has it open. */
  private static Kill inspectEmbedded(Path store, int round, boolean whileEnqueuing, long ran) throws SQLException {
    try (Connection c = sqlite(store)) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).as("the store's integrity after kill %d", round).isEqualTo("ok");
      }
      Set<String> sending = new HashSet<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT idempotency_key FROM outmail_outbox WHERE state = 'SENDING'")) {
        while (rs.next()) {
          sending.add(rs.getString(1));
        }
      }
      return new Kill(round, "run " + round, whileEnqueuing, ran, System.currentTimeMillis(), sending);
    }
  }

  private static Set<String> sendingBy(HikariDataSource db, String node) throws SQLException {
    Set<String> out = new HashSet<>();
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement(
            "SELECT idempotency_key FROM outmail_outbox WHERE state = 'SENDING' AND claimed_by = ?")) {
      p.setString(1, node);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static long waiting(HikariDataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT COUNT(*) FROM outmail_outbox WHERE state IN ('QUEUED', 'DEFERRED', 'SENDING')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Opens a connection to the store, which the caller closes. */
  interface Db {
    Connection open() throws SQLException;
  }

  /** Mails by state. */
  private static Map<String, Integer> statesOf(Db db) {
    try (Connection c = db.open()) {
      return statesOf(c);
    } catch (SQLException e) {
      return Map.of("unreadable: " + e.getMessage(), 0);
    }
  }

  private static Map<String, Integer> statesOf(Connection c) throws SQLException {
    Map<String, Integer> out = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT state, COUNT(*) FROM outmail_outbox GROUP BY state")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  /** Each attempt of the mails with these keys, as the store recorded it: to see why one went twice, or not at all. */
  private static String attemptsOf(Db db, List<String> keys) {
    StringBuilder out = new StringBuilder();
    try (Connection c = db.open();
        PreparedStatement p = c.prepareStatement("SELECT o.idempotency_key, o.state, "
            + "a.attempt, a.node, a.started_at, a.finished_at, a.outcome, a.detail FROM outmail_outbox o "
            + "LEFT JOIN outmail_outbox_attempt a ON a.mail_id = o.id WHERE o.idempotency_key = ? ORDER BY a.attempt")) {
      for (String key : keys.subList(0, Math.min(keys.size(), 50))) {
        p.setString(1, key);
        boolean any = false;
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            any = true;
            out.append(String.format("%s (%s) attempt %d node %s started %d finished %d %s %s%n", rs.getString(1),
                rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getString(7),
                rs.getString(8)));
          }
        }
        if (!any) {
          out.append(key).append(": not in the store\n");
        }
      }
    } catch (SQLException e) {
      out.append("no attempts: ").append(e);
    }
    return out.toString();
  }

  private static void burn(AtomicBoolean burning) {
    long x = 1;
    while (burning.get()) {
      for (int i = 0; i < 1_000_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    if (x == 42) {
      System.out.println(); // keeps the loop from being optimised away
    }
  }

  private static List<String> with(List<String> args, String... more) {
    List<String> out = new ArrayList<>(args);
    out.addAll(List.of(more));
    return out;
  }

  @Test
  @Timeout(60)
  void aSecondProcessOnTheSameStoreGetsAClearError() throws Exception {
    Path store = temp.resolve("locked");
    try (Outbox outbox = Outbox.builder().registry(org.outmail.MailboxRegistry.builder().build())
        .store(OutboxStore.embedded(store)).workers(0).build()) {
      Process other = new ProcessBuilder(java(), "-cp", classpath(), OutboxChild.class.getName(), "open",
          store.toString())
          .redirectErrorStream(true).start();
      assertThat(other.waitFor(50, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
          .isEqualTo(
              "the outbox store in " + store.toAbsolutePath() + " is in use by another process: one process at a "
                  + "time may open it (stop the other, or give this one its own directory)");
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Outbox.builder()
          .registry(org.outmail.MailboxRegistry.builder().build()).store(OutboxStore.embedded(store)).workers(0)
          .build()))
          .isInstanceOf(OutboxException.class).hasMessageContaining("is already open in this process");
    }
    Process again = new ProcessBuilder(java(), "-cp", classpath(), OutboxChild.class.getName(), "open",
        store.toString())
        .redirectErrorStream(true).start();
    assertThat(again.waitFor(50, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("opened");
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private static Connection sqlite(Path store) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + store.toAbsolutePath().resolve("outbox.db"));
  }
}
