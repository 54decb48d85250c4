package org.outmail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.MailboxStoreException;
import org.outmail.Secret;
import org.outmail.SecretsKey;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import org.outmail.test.MailCapture;

/** What a JDBC mailbox store does, on each database it runs on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class JdbcMailboxStoreContract {
  private final SecretsKey key = SecretsKey.of(Secret.of(SecretsKey.generate()));
  private final List<AutoCloseable> closing = new ArrayList<>();
  protected String url;

  /** A new, empty database (or schema) for one test. */
  abstract String newDatabase();

  void dropDatabase(String url) {}

  @BeforeEach
  void create() {
    url = newDatabase();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    dropDatabase(url);
  }

  JdbcMailboxStore store(SecretsKey k) {
    JdbcMailboxStore s = JdbcMailboxStore.builder(url).secretsKey(k).pollInterval(Duration.ofMillis(20)).build();
    closing.add(s);
    return s;
  }

  static Mailbox.Builder box(String id) {
    return Mailbox.builder(id).emailDisplay(id + "@example.com").host("smtp.example.com").protocol("smtp");
  }

  static Mailbox full() {
    return box("support").name("Service Desk").port(2525).encryption(Encryption.SSL_TLS).username("svc")
        .password(Secret.of("pw-1234-plain")).prefix("TICKET#").defaultOutgoing(true)
        .excludeExpression(".*@noreply\\.example\\.com").trustStorePassword(Secret.of("ts-secret-plain"))
        .oauthClient(OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).tenant("contoso.example")
            .clientId("app-1").clientSecret(Secret.of("client-secret-plain")).build())
        .setting("smtp.max-connections", "5")
        .build();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("the condition did not hold within 30 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aSavedMailboxComesBackWithEveryFieldAndSecret() {
    JdbcMailboxStore store = store(key);
    Mailbox m = full();
    long v = store.save(m, MailboxStore.ANY_VERSION);

    Mailbox back = store.get("support").orElseThrow();
    assertThat(Mailbox.textForm().values(back)).isEqualTo(Mailbox.textForm().values(m));
    assertThat(Mailbox.textForm().secrets(back)).isEqualTo(Mailbox.textForm().secrets(m));
    assertThat(store.version()).isEqualTo(v);
    assertThat(store.contents().version()).isEqualTo(v);
  }

  @Test
  void theDatabaseNeverHoldsAPlainSecret() throws Exception {
    store(key).save(full(), MailboxStore.ANY_VERSION);

    StringBuilder everything = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, fields, secrets FROM outmail_mailbox")) {
      while (r.next()) {
        everything.append(r.getString(1)).append(r.getString(2)).append(r.getString(3));
      }
    }
    assertThat(everything.toString()).contains("support", "smtp.example.com", key.id())
        .doesNotContain("pw-1234-plain", "ts-secret-plain", "client-secret-plain");
  }

  @Test
  void aWrongKeyIsAClearError() {
    store(key).save(full(), MailboxStore.ANY_VERSION);
    SecretsKey other = SecretsKey.of(Secret.of(SecretsKey.generate()));
    JdbcMailboxStore wrong = store(other);

    assertThatThrownBy(wrong::contents).isInstanceOf(MailboxStoreException.class)
        .hasMessage("mailbox 'support': oauth-client.client-secret was encrypted with the secrets key " + key.id()
            + ", but the key given is " + other.id() + "; give the key it was written with");
  }

  @Test
  void aStoreWithoutKeyIsRefused() {
    assertThatThrownBy(() -> JdbcMailboxStore.builder(url).build()).isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith(
            "secretsKey is required: the database never holds a password or client secret in plain text");
  }

  @Test
  void aChangeCheckedAgainstAnOldVersionIsAConflictAndChangesNothing() {
    JdbcMailboxStore store = store(key);
    long v1 = store.save(box("a").build(), MailboxStore.ANY_VERSION);
    long v2 = store.save(box("b").build(), v1);

    assertThatThrownBy(() -> store.save(box("a").host("elsewhere.example").build(), v1))
        .isInstanceOfSatisfying(MailboxStoreException.class, e -> assertThat(e.isConflict()).isTrue())
        .hasMessage("mailbox 'a': not saved: the mailboxes changed meanwhile (version " + v1
            + " expected, the store is at " + v2 + "); read them again and retry");
    assertThatThrownBy(() -> store.delete("a", v1)).isInstanceOf(MailboxStoreException.class);
    assertThat(store.version()).isEqualTo(v2);
    assertThat(store.get("a").orElseThrow().host()).contains("smtp.example.com");
  }

  @Test
  void aReplacedMailboxKeepsItsPlaceAndADeletedOneIsGone() {
    JdbcMailboxStore store = store(key);
    store.save(box("a").build(), MailboxStore.ANY_VERSION);
    store.save(box("b").build(), MailboxStore.ANY_VERSION);
    store.save(box("c").build(), MailboxStore.ANY_VERSION);
    store.save(box("a").host("other.example").build(), MailboxStore.ANY_VERSION);
    store.delete("b", MailboxStore.ANY_VERSION);

    assertThat(store.list()).extracting(Mailbox::id).containsExactly("a", "c");
    assertThat(store.get("a").orElseThrow().host()).contains("other.example");
  }

  /** A mailbox that signs with DKIM and sends to the sink. */
  static Mailbox.Builder signing(String id, SmtpSink sink) {
    return box(id).host("127.0.0.1").port(sink.port()).encryption(Encryption.NONE)
        .setting("smtp.dkim.domain", "example.com").setting("smtp.dkim.selector", "s1");
  }

  String rows() throws Exception {
    StringBuilder everything = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, fields, secrets FROM outmail_mailbox")) {
      while (r.next()) {
        everything.append(r.getString(1)).append(r.getString(2)).append(r.getString(3));
      }
    }
    return everything.toString();
  }

  static String sendSigned(Mailbox m, SmtpSink sink) {
    try (MailboxRegistry registry = MailboxRegistry.builder().mailbox(m).build()) {
      registry.outgoing(m.id()).send(Email.builder().to("alice@example.org").subject("signed").text("hello").build());
    }
    return sink.messages.get(sink.messages.size() - 1);
  }

  @Test
  void aDkimKeyIsSealedLikeAPasswordAndTheMailboxReadBackSigns() throws Exception {
    String pem = org.outmail.smtp.DkimKeyPair.generate("rsa-sha256").privateKeyPem();
    String keyBody = pem.lines().skip(1).findFirst().orElseThrow();
    try (SmtpSink sink = new SmtpSink()) {
      Mailbox m = Mailbox.textForm().secret(signing("signed", sink), "smtp.dkim.private-key", Secret.of(pem)).build();
      store(key).save(m, MailboxStore.ANY_VERSION);

      assertThat(rows()).contains("smtp.dkim.domain", "smtp.dkim.private-key", key.id())
          .doesNotContain("PRIVATE KEY", keyBody);
      String fields = Databases.query(url, "SELECT fields FROM outmail_mailbox WHERE id = 'signed'");
      assertThat(fields).contains("smtp.dkim.selector").doesNotContain("private-key");

      Mailbox back = store(key).get("signed").orElseThrow();
      assertThat(Mailbox.textForm().secrets(back)).containsEntry("smtp.dkim.private-key", Secret.of(pem));
      assertThat(Mailbox.textForm().values(back)).isEqualTo(Mailbox.textForm().values(m));
      assertThat(sendSigned(back, sink)).contains("DKIM-Signature: v=1; a=rsa-sha256", "d=example.com", "s=s1");
    }
  }

  @Test
  void aSocksProxyPasswordIsSealedLikeAPasswordAndReadBack() throws Exception {
    Mailbox m = box("proxied").setting("smtp.proxy", "socks5://socks.example.com:1080")
        .setting("smtp.proxy-user", "svc-proxy").setting("smtp.proxy-password", "Pr0xy-pw-plain")
        .oauthClient(OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).tenant("contoso.example")
            .clientId("app").clientSecret(Secret.of("client-secret-plain")).proxy("http://proxy.example.com:3128")
            .build())
        .build();
    store(key).save(m, MailboxStore.ANY_VERSION);

    assertThat(rows()).contains("smtp.proxy-password", "smtp.proxy=", "oauth-client.proxy=")
        .doesNotContain("Pr0xy-pw-plain");
    Mailbox back = store(key).get("proxied").orElseThrow();
    assertThat(Mailbox.textForm().secrets(back)).containsEntry("smtp.proxy-password", Secret.of("Pr0xy-pw-plain"));
    assertThat(Mailbox.textForm().values(back)).isEqualTo(Mailbox.textForm().values(m));
    assertThat(back.oauthClient().orElseThrow().proxy()).isEqualTo(m.oauthClient().orElseThrow().proxy());
  }

  @Test
  void aDkimKeyWrittenInTheClearByAnEarlierVersionStillReadsAndIsSealedOnTheNextSave(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String pem = org.outmail.smtp.DkimKeyPair.generate("ed25519-sha256").privateKeyPem();
    java.nio.file.Path file = dir.resolve("dkim.pem");
    java.nio.file.Files.writeString(file, pem);
    try (SmtpSink sink = new SmtpSink()) {
      JdbcMailboxStore store = store(key);
      store.save(signing("old", sink).setting("smtp.dkim.domain", "example.com").build(), MailboxStore.ANY_VERSION);
      // as an earlier version wrote it: the key's text among the clear fields
      Databases.execute(url, "UPDATE outmail_mailbox SET fields = CONCAT(fields, 'smtp.dkim.private-key=${file\\:"
          + file.toString().replace("\\", "/") + "}\n') WHERE id = 'old'");

      Mailbox back = store.get("old").orElseThrow();
      assertThat(Mailbox.textForm().secrets(back).get("smtp.dkim.private-key").value()).isEqualTo(pem.strip());
      assertThat(Mailbox.textForm().values(back)).doesNotContainKey("smtp.dkim.private-key");
      assertThat(sendSigned(back, sink)).contains("DKIM-Signature: v=1; a=ed25519-sha256", "d=example.com");

      store.save(back, MailboxStore.ANY_VERSION);
      assertThat(Databases.query(url, "SELECT fields FROM outmail_mailbox WHERE id = 'old'"))
          .doesNotContain("private-key");
      assertThat(rows()).doesNotContain(pem.lines().skip(1).findFirst().orElseThrow());
      assertThat(Mailbox.textForm().secrets(store(key).get("old").orElseThrow())).containsKey("smtp.dkim.private-key");
    }
  }

  @Test
  void aSecretWrittenInTheClearIsNotRead() {
    JdbcMailboxStore store = store(key);
    store.save(box("a").build(), MailboxStore.ANY_VERSION);
    Databases.execute(url, "UPDATE outmail_mailbox SET fields = CONCAT(fields, 'password=${file:/etc/passwd}\n')");

    assertThatThrownBy(store::contents).isInstanceOf(MailboxStoreException.class)
        .hasMessage("mailbox 'a': password is in the clear in the store; a secret is only read sealed");
  }

  @Test
  void registriesOnTwoNodesSeeEachOthersChanges() throws Exception {
    JdbcMailboxStore nodeA = store(key);
    JdbcMailboxStore nodeB = store(key);
    nodeA.save(box("support").defaultOutgoing(true).build(), MailboxStore.ANY_VERSION);
    MailCapture captureA = new MailCapture();
    MailCapture captureB = new MailCapture();
    MailboxRegistry a = captureA.install(MailboxRegistry.builder()).store(nodeA).build();
    closing.add(a);
    MailboxRegistry b = captureB.install(MailboxRegistry.builder()).store(nodeB).build();
    closing.add(b);

    a.save(box("support").emailDisplay("desk@example.com").defaultOutgoing(true).build());
    await(() -> b.version() == a.version());
    b.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("hello").text("hi").build());

    assertThat(captureB.mails()).singleElement()
        .satisfies(m -> assertThat(m.fromAddress()).isEqualTo("desk@example.com"));

    b.save(box("sales").build());
    await(() -> a.mailboxes().size() == 2);
    assertThat(a.mailboxes()).extracting(Mailbox::id).containsExactly("support", "sales");
  }

  @Test
  void savesFromSeveralThreadsAndTwoStoresAllLand() throws Exception {
    JdbcMailboxStore one = store(key);
    JdbcMailboxStore two = store(key);
    int threads = 8;
    int each = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> saving = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        JdbcMailboxStore store = t % 2 == 0 ? one : two;
        String thread = "t" + t;
        saving.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            store.save(box(thread + "-" + i).password(Secret.of("pw-" + thread + "-" + i)).build(),
                MailboxStore.ANY_VERSION);
          }
          store.delete(thread + "-0", MailboxStore.ANY_VERSION);
          return null;
        }));
      }
      for (Future<?> f : saving) {
        f.get(50, TimeUnit.SECONDS); // fails with the save's exception, if one failed
      }
    } finally {
      pool.shutdownNow();
    }

    List<Mailbox> all = one.list();
    assertThat(all).hasSize(threads * (each - 1));
    assertThat(all).extracting(Mailbox::id).doesNotHaveDuplicates().doesNotContain("t0-0", "t7-0").contains("t3-1",
        "t5-14");
    assertThat(all).allSatisfy(m -> assertThat(m.password().orElseThrow().value()).isEqualTo("pw-" + m.id()));
    assertThat(one.version()).isEqualTo(threads * (each + 1));
  }

  @Test
  void theDefaultMarkMovesInOneChangeAndNoReaderOnAnotherNodeSeesNoDefaultOrTwo() throws Exception {
    JdbcMailboxStore writer = store(key);
    JdbcMailboxStore reader = store(key);
    writer.saveAll(List.of(box("support").defaultOutgoing(true).build(), box("sales").build()),
        MailboxStore.ANY_VERSION);
    long before = writer.version();
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int swaps = 60;
    try {
      List<Future<Integer>> reading = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        reading.add(pool.submit(() -> {
          int reads = 0;
          while (!done.get()) {
            MailboxStore.Contents c = reader.contents();
            List<String> defaults = c.mailboxes().stream().filter(Mailbox::defaultOutgoing).map(Mailbox::id).toList();
            if (defaults.size() != 1) {
              wrong.add("version " + c.version() + ": " + defaults);
            }
            reads++;
          }
          return reads;
        }));
      }
      for (int i = 0; i < swaps; i++) {
        String to = i % 2 == 0 ? "sales" : "support";
        String from = i % 2 == 0 ? "support" : "sales";
        writer.saveAll(List.of(box(from).build(), box(to).defaultOutgoing(true).build()), writer.version());
      }
      done.set(true);
      int reads = 0;
      for (Future<Integer> f : reading) {
        reads += f.get(50, TimeUnit.SECONDS);
      }
      assertThat(reads).isPositive();
    } finally {
      done.set(true);
      pool.shutdownNow();
    }

    assertThat(wrong).isEmpty();
    assertThat(writer.version()).isEqualTo(before + swaps);
    assertThat(reader.list()).extracting(Mailbox::id, Mailbox::defaultOutgoing)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("support", true),
            org.assertj.core.groups.Tuple.tuple("sales", false));
  }

  @Test
  void aSaveAllCheckedAgainstAnOldVersionChangesNoneOfItsMailboxes() {
    JdbcMailboxStore store = store(key);
    long v = store.saveAll(List.of(box("a").build(), box("b").build()), MailboxStore.ANY_VERSION);
    store.save(box("c").build(), v);

    assertThatThrownBy(() -> store.saveAll(List.of(box("a").host("new.example").build(),
        box("b").host("new.example").build()), v))
        .isInstanceOf(MailboxStoreException.class)
        .satisfies(e -> assertThat(((MailboxStoreException) e).isConflict()).isTrue());
    assertThat(store.list()).extracting(m -> m.host().orElseThrow()).containsOnly("smtp.example.com");
    assertThat(store.version()).isEqualTo(v + 1);
  }

  @Test
  void ofWritersRacingFromOneVersionOneWinsAndTheOthersAreConflicts() throws Exception {
    JdbcMailboxStore store = store(key);
    long v = store.save(box("a").build(), MailboxStore.ANY_VERSION);
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Boolean>> racing = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String host = "host" + t + ".example";
        racing.add(pool.submit(() -> {
          try {
            store.save(box("a").host(host).build(), v);
            return true;
          } catch (MailboxStoreException e) {
            if (!e.isConflict()) {
              throw e;
            }
            return false;
          }
        }));
      }
      int won = 0;
      for (Future<Boolean> f : racing) {
        won += f.get(50, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.version()).isEqualTo(v + 1);
  }

  @Test
  void aChangeThatBreaksARuleWithAnotherNodesChangeIsRefused() throws Exception {
    JdbcMailboxStore nodeA = store(key);
    JdbcMailboxStore nodeB = store(key);
    MailboxRegistry a = new MailCapture().install(MailboxRegistry.builder()).store(nodeA).build();
    closing.add(a);
    MailboxRegistry b = new MailCapture().install(MailboxRegistry.builder()).store(nodeB).build();
    closing.add(b);
    b.save(box("sales").build());

    a.save(box("support").defaultOutgoing(true).build());
    // b has not necessarily heard of a's change yet: its save reads the store before it writes
    assertThatThrownBy(() -> b.save(box("sales").defaultOutgoing(true).build()))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("two mailboxes are the default outgoing mailbox: 'sales' and 'support'");
    assertThat(nodeB.get("sales").orElseThrow().defaultOutgoing()).isFalse();
  }
}
