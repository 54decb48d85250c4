package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.testing.GateTransportProvider;

/** A registry built over a store follows it: changes apply for the next send, whole or not at all. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryFollowsStoreTest {
  private final GateTransportProvider gate = new GateTransportProvider();
  private final MailboxStore store = MailboxStore.inMemory(List.of(
      box("support", "old.example").defaultOutgoing(true).build(),
      box("sales", "sales.example").build()));
  private final MailboxRegistry registry = MailboxRegistry.builder().transportProvider(gate)
      .hook(new PostSendHook() {
        @Override
        public String name() {
          return "audit";
        }

        @Override
        public void afterSend(SentEmail sent) {}
      })
      .store(store).build();

  @AfterEach
  void close() {
    registry.close();
  }

  static Mailbox.Builder box(String id, String host) {
    return Mailbox.builder(id).emailDisplay(id + "@example.com").host(host).protocol(GateTransportProvider.PROTOCOL);
  }

  static Email mail(String subject) {
    return Email.builder().to("alice@example.org").subject(subject).text("hi").build();
  }

  @Test
  void anEditTakesEffectForTheNextSend() {
    registry.defaultOutgoing().send(mail("before"));
    registry.save(box("support", "new.example").defaultOutgoing(true).build());
    registry.defaultOutgoing().send(mail("after"));

    assertThat(gate.sent).containsExactly("old.example before", "new.example after");
    assertThat(registry.mailbox("support").host()).contains("new.example");
    assertThat(store.get("support").orElseThrow().host()).contains("new.example");
  }

  @Test
  void aMailerKeptFromBeforeTheEditSendsWithTheNewSettings() {
    OutgoingMailer kept = registry.outgoing("support");
    registry.save(box("support", "new.example").defaultOutgoing(true).build());

    kept.send(mail("kept"));

    assertThat(gate.sent).containsExactly("new.example kept");
  }

  @Test
  void aSendInFlightFinishesOnTheOldSettingsAndTheOldTransportClosesAfterIt() throws Exception {
    GateTransportProvider.Hold hold = gate.hold("old.example");
    CompletableFuture<SendResult> inFlight = registry.defaultOutgoing().sendAsync(mail("in flight"));
    hold.entered.await();

    registry.save(box("support", "new.example").defaultOutgoing(true).build());
    registry.defaultOutgoing().send(mail("next"));

    GateTransportProvider.Gate old = gate.opened.get(0);
    assertThat(old.host).isEqualTo("old.example");
    assertThat(old.isClosed()).as("the old transport stays open while its send is in flight").isFalse();
    assertThat(gate.sent).containsExactly("new.example next");

    hold.release.countDown();
    SendResult r = inFlight.get();

    assertThat(r.mailboxId()).isEqualTo("support");
    assertThat(gate.sent).containsExactly("new.example next", "old.example in flight");
    assertThat(old.isClosed()).as("closed by the last send out").isTrue();
    assertThat(gate.opened.get(1).isClosed()).isFalse();
  }

  @Test
  void closingTheRegistryClosesAReplacedTransportStillSendingAfterLaterEdits() throws Exception {
    GateTransportProvider.Hold hold = gate.hold("old.example");
    ExecutorService host = Executors.newSingleThreadExecutor();
    try {
      // a host thread of its own (not the registry's async pool, which close would wait for)
      Future<SendResult> inFlight = host.submit(() -> registry.defaultOutgoing().send(mail("in flight")));
      hold.entered.await();
      registry.save(box("support", "new.example").defaultOutgoing(true).build());
      registry.save(box("sales", "sales2.example").build()); // a later edit, while the replaced one still sends
      GateTransportProvider.Gate old = gate.opened.get(0);
      assertThat(old.host).isEqualTo("old.example");
      assertThat(old.isClosed()).isFalse();

      registry.close();

      assertThat(old.isClosed()).as("the registry's close reaches the replaced mailer still sending").isTrue();
      hold.release.countDown();
      assertThat(inFlight.get(30, TimeUnit.SECONDS).mailboxId()).isEqualTo("support");
    } finally {
      hold.release.countDown();
      host.shutdownNow();
    }
  }

  @Test
  void theReplacedTransportIsClosedAtOnceWhenNothingIsInFlight() {
    registry.defaultOutgoing().send(mail("one"));
    registry.save(box("support", "new.example").defaultOutgoing(true).build());

    assertThat(gate.opened.get(0).isClosed()).isTrue();
  }

  @Test
  void anUnchangedMailboxKeepsItsMailerAndItsTransport() {
    OutgoingMailer sales = registry.outgoing("sales");
    sales.send(mail("one"));
    registry.save(box("support", "new.example").defaultOutgoing(true).build());

    assertThat(registry.outgoing("sales")).isSameAs(sales);
    assertThat(gate.opened.get(0).isClosed()).isFalse();
  }

  @Test
  void aDisabledMailboxSendsNothingFromTheNextSend() {
    registry.save(box("sales", "sales.example").enabled(false).build());

    assertThatThrownBy(() -> registry.outgoing("sales").send(mail("x"))).isInstanceOf(MailboxDisabledException.class);
    assertThat(gate.sent).isEmpty();
  }

  @Test
  void anAddedMailboxSendsAtOnce() {
    registry.save(box("billing", "billing.example").build());

    registry.forRecord("billing").send(mail("new"));

    assertThat(gate.sent).containsExactly("billing.example new");
    assertThat(registry.mailboxes()).extracting(Mailbox::id).containsExactly("support", "sales", "billing");
  }

  @Test
  void aDeletedMailboxIsGoneForTheNextSendAndItsInFlightSendFinishes() throws Exception {
    GateTransportProvider.Hold hold = gate.hold("sales.example");
    OutgoingMailer sales = registry.outgoing("sales");
    CompletableFuture<SendResult> inFlight = sales.sendAsync(mail("last"));
    hold.entered.await();

    registry.delete("sales");

    assertThatThrownBy(() -> registry.outgoing("sales")).isInstanceOf(MailboxConfigException.class)
        .hasMessage("no mailbox with id 'sales'; known ids: [support]");
    assertThatThrownBy(() -> sales.send(mail("after"))).isInstanceOf(MailboxConfigException.class)
        .hasMessage("no mailbox with id 'sales'; known ids: [support]");
    hold.release.countDown();
    assertThat(inFlight.get().mailboxId()).isEqualTo("sales");
    assertThat(gate.sent).containsExactly("sales.example last");
    assertThat(gate.opened.get(0).isClosed()).isTrue();
  }

  @Test
  void aSecondDefaultIsRefusedWholeAndNothingChanges() {
    long version = store.version();
    Mailbox before = registry.mailbox("sales");

    assertThatThrownBy(() -> registry.save(box("sales", "elsewhere.example").defaultOutgoing(true).build()))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("two mailboxes are the default outgoing mailbox: 'support' and 'sales'");

    assertThat(store.version()).isEqualTo(version);
    assertThat(store.get("sales").orElseThrow().host()).contains("sales.example");
    assertThat(registry.mailbox("sales")).isSameAs(before);
  }

  @Test
  void theDefaultMarkMovesInOneChangeAndNoReaderSeesNoDefaultOrTwo() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.ConcurrentLinkedQueue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    Runnable reader = () -> {
      while (!done.get()) {
        long inStore = store.list().stream().filter(Mailbox::defaultOutgoing).count();
        long inRegistry = registry.mailboxes().stream().filter(Mailbox::defaultOutgoing).count();
        if (inStore != 1 || inRegistry != 1) {
          wrong.add("store " + inStore + ", registry " + inRegistry);
        }
        reads.incrementAndGet();
      }
    };
    CompletableFuture<Void> r1 = CompletableFuture.runAsync(reader);
    CompletableFuture<Void> r2 = CompletableFuture.runAsync(reader);
    long before = store.version();
    for (int i = 0; i < 500; i++) {
      String to = i % 2 == 0 ? "sales" : "support";
      String from = i % 2 == 0 ? "support" : "sales";
      registry.saveAll(List.of(registry.mailbox(from).toBuilder().defaultOutgoing(false).build(),
          registry.mailbox(to).toBuilder().defaultOutgoing(true).build()));
    }
    done.set(true);
    r1.get(10, TimeUnit.SECONDS);
    r2.get(10, TimeUnit.SECONDS);

    assertThat(wrong).isEmpty();
    assertThat(reads.get()).isPositive();
    assertThat(store.version()).isEqualTo(before + 500);
    assertThat(registry.mailbox("support").defaultOutgoing()).isTrue();
    assertThat(registry.mailbox("sales").defaultOutgoing()).isFalse();
  }

  @Test
  void saveAllThatBreaksARuleWritesNothing() {
    long before = store.version();

    assertThatThrownBy(() -> registry.saveAll(List.of(box("sales", "sales.example").defaultOutgoing(true).build(),
        box("support", "changed.example").defaultOutgoing(true).build())))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("default");

    assertThat(store.version()).isEqualTo(before);
    assertThat(store.get("support").orElseThrow().host()).contains("old.example");
    assertThat(store.get("sales").orElseThrow().defaultOutgoing()).isFalse();
  }

  @Test
  void aStoreThatCannotSaveSeveralAtOnceRefusesInsteadOfSavingOneByOne() {
    MailboxStore oneByOne = new MailboxStore() {
      @Override
      public Contents contents() {
        return store.contents();
      }

      @Override
      public long version() {
        return store.version();
      }

      @Override
      public long save(Mailbox mailbox, long expectedVersion) {
        return store.save(mailbox, expectedVersion);
      }

      @Override
      public long delete(String id, long expectedVersion) {
        return store.delete(id, expectedVersion);
      }

      @Override
      public Subscription onChange(Runnable listener) {
        return store.onChange(listener);
      }

      @Override
      public String toString() {
        return "OneByOne";
      }
    };

    assertThatThrownBy(() -> oneByOne.saveAll(List.of(box("a", "a.example").build(), box("b", "b.example").build()),
        MailboxStore.ANY_VERSION))
        .isInstanceOf(MailboxStoreException.class)
        .hasMessage("not saved: the mailbox store OneByOne cannot save several mailboxes in one change ([a, b])");
    assertThat(store.get("a")).isEmpty();
    assertThatThrownBy(() -> store.saveAll(List.of(box("a", "a.example").build(), box("a", "b.example").build()),
        MailboxStore.ANY_VERSION)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }

  @Test
  void anUnknownHookANewProtocolWithoutTransportAndABadTransportSettingAreRefused() {
    long version = store.version();
    assertThatThrownBy(() -> registry.save(box("sales", "sales.example").postSendHooks("nope").build()))
        .hasMessage("mailbox 'sales': post-send hook 'nope' is unknown; hooks found: [audit]");
    assertThatThrownBy(() -> registry.save(box("sales", "sales.example").protocol("carrier-pigeon").build()))
        .hasMessageStartingWith("mailbox 'sales': no transport for protocol 'carrier-pigeon'; transports found: [");
    assertThatThrownBy(() -> registry.save(box("sales", "sales.example").setting("gate.depth", "0").build()))
        .hasMessage("mailbox 'sales': gate.depth must be at least 1, was 0");
    assertThat(store.version()).isEqualTo(version);
    assertThat(registry.version()).isEqualTo(version);
  }

  @Test
  void aChangeWrittenToTheStoreDirectlyIsFollowed() {
    store.save(box("sales", "moved.example").build(), MailboxStore.ANY_VERSION);

    registry.outgoing("sales").send(mail("moved"));

    assertThat(gate.sent).containsExactly("moved.example moved");
    assertThat(registry.version()).isEqualTo(store.version());
  }

  @Test
  void aChangeInTheStoreThatBreaksARuleIsNotAppliedAndTheRegistryKeepsItsMailboxes() {
    long version = registry.version();
    store.save(box("sales", "sales.example").defaultOutgoing(true).build(), MailboxStore.ANY_VERSION);

    assertThat(registry.version()).isEqualTo(version);
    assertThat(registry.defaultOutgoing().mailbox().id()).isEqualTo("support");
    assertThatThrownBy(registry::refresh).isInstanceOf(MailboxConfigException.class)
        .hasMessage("two mailboxes are the default outgoing mailbox: 'support' and 'sales'");
  }

  @Test
  void validateReportsEachBadTransportSettingAndTheRuleBroken() {
    Mailbox bad = box("sales", "sales.example").setting("gate.depth", "0").setting("gate.colour", "red").build();
    assertThat(registry.validate(bad)).containsExactly(
        Map.entry("gate.colour", "is not a setting of protocol gate; its settings: [depth]"),
        Map.entry("gate.depth", "must be at least 1, was 0"));
    assertThat(registry.validate(box("sales", "sales.example").setting("gate.detph", "2").build())).containsExactly(
        Map.entry("gate.detph", "is not a setting of protocol gate; did you mean gate.depth? its settings: [depth]"));
    assertThatThrownBy(() -> registry.save(box("sales", "sales.example").setting("gate.detph", "2").build()))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'sales': gate.detph is not a setting of protocol gate; did you mean gate.depth?"
            + " its settings: [depth]");

    assertThat(registry.validate(box("sales", "sales.example").defaultOutgoing(true).build()))
        .containsExactly(
            Map.entry("default-outgoing", "two mailboxes are the default outgoing mailbox: 'support' and 'sales'"));
    assertThat(registry.validate(box("sales", "x.example").build())).isEmpty();
  }

  @Test
  void aRegistryOfFixedMailboxesRefusesChanges() {
    try (MailboxRegistry fixed = MailboxRegistry.builder().transportProvider(gate)
        .mailbox(box("a", "a.example").build()).build()) {
      assertThat(fixed.store()).isEmpty();
      assertThatThrownBy(() -> fixed.save(box("a", "b.example").build()))
          .isInstanceOf(MailboxStoreException.class)
          .hasMessage("mailbox 'a': not changed: this registry's mailboxes were given to its builder and are fixed; "
              + "build it with a MailboxStore to change them while it runs");
    }
  }

  @Test
  void aPropertiesFileStoreIsReadOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mailboxes.properties");
    Files.writeString(file, "outmail.mailbox.a.email-display=a@example.com\noutmail.mailbox.a.host=a.example\n"
        + "outmail.mailbox.a.protocol=gate\n", StandardCharsets.UTF_8);
    MailboxStore fileStore = MailboxStore.propertiesFile(file);
    try (MailboxRegistry r = MailboxRegistry.builder().transportProvider(gate).store(fileStore).build()) {
      assertThat(fileStore.readOnly()).isTrue();
      assertThat(r.mailboxes()).extracting(Mailbox::id).containsExactly("a");
      assertThatThrownBy(() -> r.save(box("a", "b.example").build()))
          .isInstanceOf(MailboxStoreException.class)
          .hasMessage("mailbox 'a': not changed: the mailboxes come from the properties file " + file
              + ", which is read-only; edit the file and restart, or use a store that can be written");
    }
  }

  @Test
  void mailboxesGivenAndAStoreAreRefused() {
    assertThatThrownBy(() -> MailboxRegistry.builder().transportProvider(gate).store(MailboxStore.inMemory())
        .mailbox(box("a", "a.example").build()).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("a registry takes its mailboxes from a store or from mailbox()/load(), not both; "
            + "save the mailboxes [a] in the store instead");
  }

  @Test
  void anInvalidStoreFailsTheBuild() {
    MailboxStore twoDefaults = MailboxStore.inMemory(List.of(box("a", "a.example").defaultOutgoing(true).build(),
        box("b", "b.example").defaultOutgoing(true).build()));
    assertThatThrownBy(() -> MailboxRegistry.builder().transportProvider(gate).store(twoDefaults).build())
        .hasMessage("two mailboxes are the default outgoing mailbox: 'a' and 'b'");
  }

  @Test
  void afterCloseTheRegistryStopsFollowingTheStore() {
    long version = registry.version();
    registry.close();
    store.save(box("sales", "moved.example").build(), MailboxStore.ANY_VERSION);
    assertThat(registry.version()).isEqualTo(version);
  }
}
