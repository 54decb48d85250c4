package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.outmail.MailboxRegistry;

/** The store contract on the embedded SQLite store, in a file of a temporary directory; and its group commit. */
class EmbeddedStoreTest extends OutboxStoreContract {
  private int stores;
  private Path last;

  @Override
  OutboxStore newStore() {
    last = temp.resolve("outbox-" + (stores++));
    return OutboxStore.embedded(last);
  }

  @Override
  String plan(JdbcStore store, String claimQuery) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + last.resolve("outbox.db"));
        PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + claimQuery)) {
      p.setString(1, "support");
      p.setInt(2, Priority.NORMAL.rank());
      p.setLong(3, clock.millis());
      p.setInt(4, 16);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString("detail")).append('\n');
        }
      }
    }
    return plan.toString();
  }

  @Override
  String searchPlans() throws Exception {
    StringBuilder plan = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + last.resolve("outbox.db"))) {
      for (String[] q : SEARCHES) {
        try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + q[0])) {
          for (int i = 1; i < q.length; i++) {
            p.setString(i, q[i]);
          }
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              plan.append(rs.getString("detail")).append('\n');
            }
          }
        }
      }
    }
    return plan.toString();
  }

  @Test
  void oneEnqueueFromOneThreadIsOneCommitAndConcurrentEnqueuesShareCommits() throws Exception {
    JdbcStore store = outboxStore();
    long before = store.commits();
    for (int i = 0; i < 200; i++) {
      outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(i));
    }
    assertThat(store.commits() - before).as("one commit (one fsync) per enqueue from one thread").isEqualTo(200);

    before = store.commits();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      int base = 1_000 + t * 1_000;
      threads.execute(() -> {
        for (int i = 0; i < 200; i++) {
          outbox.enqueue(registry().defaultOutgoing(), Fixtures.mail(base + i));
        }
      });
    }
    threads.shutdown();
    assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(outbox.count(OutboxState.QUEUED)).isEqualTo(1_800);
    assertThat(store.commits() - before).as("8 threads share commits (group commit)").isLessThan(800);

    before = store.commits();
    List<org.outmail.Email> many = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add(Fixtures.mail(20_000 + i));
    }
    assertThat(outbox.enqueueAll(registry().defaultOutgoing(), many, Priority.BULK)).hasSize(500)
        .doesNotHaveDuplicates();
    assertThat(store.commits() - before).as("enqueueAll is one commit").isEqualTo(1);
  }

  @Test
  void aDirectoryHoldingAnH2StoreOfAnEarlierSnapshotGetsAClearError() throws Exception {
    Path old = temp.resolve("old");
    Files.createDirectories(old);
    Files.write(old.resolve("outbox.mv.db"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Outbox.builder().registry(MailboxRegistry.builder().build())
        .store(OutboxStore.embedded(old)).workers(0).build())
        .isInstanceOf(OutboxException.class)
        .hasMessage("the outbox store in " + old.toAbsolutePath() + " is an H2 database (outbox.mv.db) of an earlier "
            + "outmail snapshot; the embedded store is SQLite now and does not read it. Deliver or export what it "
            + "holds with the snapshot that wrote it, then give the outbox an empty directory");
  }
}
