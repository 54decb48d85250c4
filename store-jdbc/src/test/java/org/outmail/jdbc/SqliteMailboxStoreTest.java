package org.outmail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxStore;
import org.outmail.Secret;
import org.outmail.SecretsKey;

/** The JDBC mailbox store embedded: one SQLite file. */
class SqliteMailboxStoreTest extends JdbcMailboxStoreContract {
  private static final SecretsKey KEY = SecretsKey.of(Secret.of(SecretsKey.generate()));

  @TempDir Path dir;

  @Override
  String newDatabase() {
    return Databases.sqlite(dir);
  }

  /** The H2 file an earlier snapshot of outmail wrote (made by H2 2.3.232: the mailbox tables, no mailbox). */
  private Path h2File(String name) throws Exception {
    Path file = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/h2-snapshot/mailboxes.mv.db")) {
      Files.copy(in, file);
    }
    return file;
  }

  private static String h2Message(Path h2) {
    return h2 + " holds an H2 database from an earlier snapshot; outmail's embedded store is SQLite now: re-import "
        + "the mailboxes into a new file (from their properties file: outmail console --jdbc mailboxes.db --import "
        + "mailboxes.properties), then delete " + h2;
  }

  private static String query(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void theEmbeddedStoreIsOneSqliteFileInWriteAheadLogMode() throws Exception {
    Path file = dir.resolve("data/mailboxes.db");
    try (JdbcMailboxStore store = JdbcMailboxStore.builder(file).secretsKey(KEY).build()) {
      store.save(box("support").build(), MailboxStore.ANY_VERSION);
    }

    assertThat(file).isRegularFile();
    assertThat(Files.readAllBytes(file)).startsWith("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII));
    assertThat(query("jdbc:sqlite:" + file, "PRAGMA journal_mode")).isEqualTo("wal");
    try (JdbcMailboxStore again = JdbcMailboxStore.builder(file).secretsKey(KEY).build()) {
      assertThat(again.list()).extracting(Mailbox::id).containsExactly("support");
    }
  }

  @Test
  void storesOpenedAtOnceOnANewFileAllStartOnTheSameTables() throws Exception {
    Path file = dir.resolve("new/mailboxes.db");
    int stores = 6;
    ExecutorService pool = Executors.newFixedThreadPool(stores);
    List<Future<JdbcMailboxStore>> opening = new ArrayList<>();
    try {
      for (int i = 0; i < stores; i++) {
        opening.add(pool.submit(() -> JdbcMailboxStore.builder(file).secretsKey(KEY).build()));
      }
      List<JdbcMailboxStore> opened = new ArrayList<>();
      for (Future<JdbcMailboxStore> f : opening) {
        opened.add(f.get(30, TimeUnit.SECONDS));
      }
      opened.get(0).save(box("support").build(), MailboxStore.ANY_VERSION);
      for (JdbcMailboxStore s : opened) {
        assertThat(s.list()).extracting(Mailbox::id).containsExactly("support");
        s.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void eachConnectionFsyncsEveryCommitWaitsForLocksAndChecksForeignKeys() throws Exception {
    SqliteFile file = SqliteFile.of(dir.resolve("mailboxes.db"), "file");
    try (Connection c = file.getConnection(); Statement s = c.createStatement()) {
      Dialect.of(c).begin(c, false);
      assertThat(Dialect.of(c)).isEqualTo(Dialect.SQLITE);
      try (ResultSet r = s.executeQuery("PRAGMA synchronous")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getInt(1)).as("2 is FULL").isEqualTo(2);
      }
      try (ResultSet r = s.executeQuery("PRAGMA busy_timeout")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getInt(1)).isEqualTo(Dialect.BUSY_TIMEOUT_MS);
      }
      try (ResultSet r = s.executeQuery("PRAGMA foreign_keys")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getInt(1)).isEqualTo(1);
      }
      Dialect.SQLITE.commit(c);
    }
  }

  @Test
  void aSaveWaitsForAnotherWriterInsteadOfFailing() throws Exception {
    JdbcMailboxStore store = store(SqliteMailboxStoreTest.KEY);
    try (Connection other = DriverManager.getConnection(url); Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      s.executeUpdate("UPDATE outmail_mailbox_store SET version = version + 1");
      CompletableFuture<Long> saving = CompletableFuture
          .supplyAsync(() -> store.save(box("a").build(), MailboxStore.ANY_VERSION));
      Thread.sleep(300);
      assertThat(saving).as("the save waits while the other writer holds the lock").isNotDone();
      s.execute("COMMIT");

      assertThat(saving.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }
    assertThat(store.list()).extracting(Mailbox::id).containsExactly("a");
  }

  @Test
  void aFileHoldingAnH2DatabaseIsRefusedAndLeftAsItIs() throws Exception {
    Path h2 = h2File("mailboxes.mv.db");
    byte[] before = Files.readAllBytes(h2);

    assertThatThrownBy(() -> JdbcMailboxStore.builder(h2)).isInstanceOfSatisfying(MailboxConfigException.class,
        e -> assertThat(e.field()).isEqualTo("file")).hasMessage(h2Message(h2));
    assertThat(Files.readAllBytes(h2)).isEqualTo(before);
    assertThat(dir).isDirectoryNotContaining("glob:**.db-wal");
  }

  @Test
  void thePathOfAnOldH2StoreIsRefusedWithItsFile() throws Exception {
    Path h2 = h2File("mailboxes.mv.db");

    // what jdbc:h2:DIR/mailboxes wrote: the path without .mv.db, the URL, the directory
    assertThatThrownBy(() -> JdbcMailboxStore.builder(dir.resolve("mailboxes"))).hasMessage(h2Message(h2));
    assertThatThrownBy(() -> JdbcMailboxStore.builder("jdbc:h2:" + dir.resolve("mailboxes")))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("jdbcUrl"))
        .hasMessage(h2Message(h2));
    assertThatThrownBy(() -> JdbcMailboxStore.builder("jdbc:sqlite:" + h2)).hasMessage(h2Message(h2));
    assertThatThrownBy(() -> JdbcMailboxStore.builder(dir)).hasMessage(h2Message(h2));
    assertThat(dir.resolve("mailboxes")).doesNotExist();
  }

  @Test
  void anH2FileUnderAnotherNameIsKnownByItsHeader() throws Exception {
    Path h2 = h2File("mailboxes.db");

    assertThatThrownBy(() -> JdbcMailboxStore.builder(h2)).isInstanceOf(MailboxConfigException.class)
        .hasMessage(h2Message(h2));
  }

  @Test
  void anH2UrlWithoutItsFileSaysWhatToGiveInstead() {
    assertThatThrownBy(() -> JdbcMailboxStore.builder("jdbc:h2:mem:mailboxes;USER=sa;PASSWORD=hunter2"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("jdbc:h2:mem:mailboxes;USER=sa;PASSWORD=**** is an H2 database; outmail's embedded store is "
            + "SQLite now: give a file (jdbc:sqlite:/path/to/mailboxes.db) or a PostgreSQL URL");
  }

  @Test
  void anInMemorySqliteDatabaseIsRefused() {
    assertThatThrownBy(() -> JdbcMailboxStore.builder("jdbc:sqlite::memory:"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("jdbc:sqlite::memory: is an in-memory SQLite database, which lasts as long as one connection; "
            + "the mailbox store needs a file: jdbc:sqlite:/path/to/mailboxes.db");
  }

  @Test
  void aDirectoryIsRefusedWithTheFileToGive() {
    assertThatThrownBy(() -> JdbcMailboxStore.builder(dir)).isInstanceOf(MailboxConfigException.class)
        .hasMessage(dir + " is a directory; the embedded mailbox store is one SQLite file: give its path, e.g. "
            + dir.resolve("mailboxes.db"));
  }
}
