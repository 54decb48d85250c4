package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.MailboxRegistry;

/** Several nodes on one PostgreSQL, and enqueue in the host's own transaction. */
class PostgresNodesTest {
  static final int MAILS = Integer.getInteger("outmail.test.nodes.mails", 10_000);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private RecordingSmtpServer smtp;

  @BeforeEach
  void start() throws Exception {
    smtp = new RecordingSmtpServer();
    HikariDataSource pool = Fixtures.postgres();
    Fixtures.dropOutboxTables(pool);
    pool.close();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    smtp.close();
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  private HikariDataSource pool() {
    HikariDataSource pool = Fixtures.postgres();
    keep(pool::close);
    return pool;
  }

  @Test
  @Timeout(60)
  void aMailQueuedInARolledBackTransactionIsNeverSent() throws Exception {
    HikariDataSource hostDb = pool();
    MailboxRegistry registry = keep(Fixtures.registry(smtp.port(), new Fixtures.Audit()));
    MutableClock clock = new MutableClock();
    Outbox outbox = keep(
        Outbox.builder().registry(registry).store(OutboxStore.jdbc(hostDb)).workers(0).clock(clock).build());
    try (Connection c = hostDb.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS ticket");
      s.execute("CREATE TABLE ticket (id INT PRIMARY KEY, status VARCHAR(20))");
      s.execute("INSERT INTO ticket VALUES (4711, 'open')");
    }

    long rolledBack;
    long committed;
    try (Connection c = hostDb.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE ticket SET status = 'closed' WHERE id = 4711");
      }
      rolledBack = outbox.enqueue(c, registry.defaultOutgoing(), Fixtures.mail(1), "ticket-4711-closed");
      assertThat(outbox.status(rolledBack)).as("not visible before the host commits").isEmpty();
      c.rollback();

      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE ticket SET status = 'solved' WHERE id = 4711");
      }
      committed = outbox.enqueue(c, registry.defaultOutgoing(), Fixtures.mail(2), "ticket-4711-solved");
      c.commit();
    }

    assertThat(outbox.deliverDue()).isEqualTo(1);
    assertThat(outbox.status(rolledBack)).isEmpty();
    assertThat(outbox.status(committed).orElseThrow().state()).isEqualTo(OutboxState.SENT);
    assertThat(smtp.received()).hasSize(1);
    assertThat(smtp.received().get(0).recipients()).containsExactly("user2@example.org");
    try (Connection c = hostDb.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status FROM ticket WHERE id = 4711")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("solved");
      s.execute("DROP TABLE ticket");
    }

    try (Connection c = hostDb.getConnection()) {
      assertThatThrownBy(() -> outbox.enqueue(c, registry.defaultOutgoing(), Fixtures.mail(3), null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the connection is in auto-commit mode");
    }
  }

  @Test
  @Timeout(300)
  void twoNodesDrainTenThousandMailsWithNoLossAndNoDuplicate() throws Exception {
    HikariDataSource hostDb = pool();
    MailboxRegistry registryA = keep(Fixtures.registry(smtp.port(), new Fixtures.Audit()));
    MailboxRegistry registryB = keep(Fixtures.registry(smtp.port(), new Fixtures.Audit()));
    // enqueue first, in the host's transactions of 500 mails each; then both nodes start draining
    Outbox writer = Outbox.builder().registry(registryA).store(OutboxStore.jdbc(hostDb)).workers(0).nodeId("writer")
        .build();
    Set<Long> ids = new HashSet<>();
    long enqueueStart = System.nanoTime();
    try (Connection c = hostDb.getConnection()) {
      c.setAutoCommit(false);
      for (int n = 0; n < MAILS; n++) {
        ids.add(writer.enqueue(c, registryA.defaultOutgoing(), Fixtures.mail(n), "mail-" + n));
        if (n % 500 == 499) {
          c.commit();
        }
      }
      c.commit();
    }
    writer.close();
    assertThat(ids).hasSize(MAILS);
    System.out.printf("two nodes: %d mails enqueued in %.1f s%n", MAILS, (System.nanoTime() - enqueueStart) / 1e9);

    long start = System.nanoTime();
    Outbox a = keep(Outbox.builder().registry(registryA).store(OutboxStore.jdbc(pool())).workers(4).nodeId("node-a")
        .pollInterval(Duration.ofMillis(200)).backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build());
    Outbox b = keep(Outbox.builder().registry(registryB).store(OutboxStore.jdbc(pool())).workers(4).nodeId("node-b")
        .pollInterval(Duration.ofMillis(200)).backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build());
    long deadline = System.nanoTime() + Duration.ofSeconds(200).toNanos();
    while (a.count(OutboxState.SENT) < MAILS) {
      assertThat(a.count(OutboxState.FAILED) + a.count(OutboxState.EXPIRED)).isZero();
      assertThat(System.nanoTime()).as("drained in time; still waiting: %s", a.list(OutboxState.DEFERRED, 5))
          .isLessThan(deadline);
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    Map<String, Long> received = smtp.messageIds().stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(received).hasSize(MAILS);
    assertThat(received.values()).allMatch(n -> n == 1);
    Map<String, Integer> byNode = new HashMap<>();
    try (Connection c = hostDb.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT node, COUNT(*) FROM outmail_outbox_attempt GROUP BY node")) {
      while (rs.next()) {
        byNode.put(rs.getString(1), rs.getInt(2));
      }
    }
    System.out.printf("two nodes: %d mails drained in %.1f s (%.0f/s), attempts by node %s%n", MAILS, seconds,
        MAILS / seconds, byNode);
    assertThat(byNode.keySet()).containsExactlyInAnyOrder("node-a", "node-b");
    assertThat(byNode.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(MAILS);
    assertThat(a.count(OutboxState.SENDING)).isZero();
  }

  @Test
  @Timeout(120)
  void threeNodesDrainingOneMailboxKeepItsRateLimitInEveryWindow() throws Exception {
    int mails = 45;
    RateLimit limit = RateLimit.parse("10/1s");
    HikariDataSource hostDb = pool();
    List<MailboxRegistry> registries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      registries.add(keep(Fixtures.registry(smtp.port(), new Fixtures.Audit())));
    }
    try (Outbox writer = Outbox.builder().registry(registries.get(0)).store(OutboxStore.jdbc(hostDb)).workers(0)
        .build()) {
      List<org.outmail.Email> all = new ArrayList<>();
      for (int i = 0; i < mails; i++) {
        all.add(Fixtures.mail(i));
      }
      writer.enqueueAll(registries.get(0).defaultOutgoing(), all, null);
    }
    List<Outbox> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(keep(Outbox.builder().registry(registries.get(i)).store(OutboxStore.jdbc(pool())).workers(8)
          .nodeId("node-" + i).rateLimit("support", limit).pollInterval(Duration.ofMillis(50)).build()));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (nodes.get(0).count(OutboxState.SENT) < mails) {
      assertThat(System.nanoTime()).as("drained in time").isLessThan(deadline);
      Thread.sleep(100);
    }
    List<Long> starts = new ArrayList<>();
    Set<String> byNode = new HashSet<>();
    try (Connection c = hostDb.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT started_at, node FROM outmail_outbox_attempt ORDER BY started_at")) {
      while (rs.next()) {
        starts.add(rs.getLong(1));
        byNode.add(rs.getString(2));
      }
    }
    assertThat(starts).hasSize(mails);
    assertThat(byNode).as("more than one node sent").hasSizeGreaterThan(1);
    long period = limit.period().toMillis();
    for (int i = 0; i < starts.size(); i++) {
      long end = starts.get(i);
      long inWindow = starts.stream().filter(t -> t > end - period && t <= end).count();
      assertThat(inWindow).as("attempts in the window ending at attempt %d", i).isLessThanOrEqualTo(limit.permits());
    }
    Map<String, Long> received = smtp.messageIds().stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(received).hasSize(mails);
    assertThat(received.values()).allMatch(n -> n == 1);
    assertThat((starts.get(starts.size() - 1) - starts.get(0)) / (double) period)
        .as("45 mails at 10 a second take at least 4 windows").isGreaterThanOrEqualTo(3.5);
  }
}
