package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthProvider;
import org.outmail.testing.CountingHook;
import org.outmail.testing.RecordingTransportProvider.Recorder;
import org.outmail.testing.RecordingTransportProvider;

@Timeout(30)
class MailboxRegistryTest {
  private final RecordingTransportProvider transports = new RecordingTransportProvider();

  /** A registry builder with this test's recording transport. */
  private MailboxRegistry.Builder builder() {
    return MailboxRegistry.builder().transportProvider(transports);
  }

  static String uniqueId(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Mailbox.Builder out(String id) {
    return Mailbox.builder(id).emailDisplay(id + "@example.com").protocol(RecordingTransportProvider.PROTOCOL);
  }

  static Email email() {
    return Email.builder().to("alice@example.org").subject("Hello").text("body").build();
  }

  @Test
  void duplicateIdsAreRefused() {
    assertThatThrownBy(() -> builder().mailbox(out("a").build()).mailbox(out("a").build()).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("two mailboxes have the id 'a'");
  }

  @Test
  void twoDefaultsAreRefused() {
    assertThatThrownBy(() -> builder()
        .mailbox(out("a").defaultOutgoing(true).build())
        .mailbox(out("b").defaultOutgoing(true).build()).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("two mailboxes are the default outgoing mailbox: 'a' and 'b'");
  }

  @Test
  void theDefaultMustBeAnOutMailbox() {
    assertThatThrownBy(() -> builder()
        .mailbox(Mailbox.builder("inbox").type(MailboxType.IN).defaultOutgoing(true).build()).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'inbox': default-outgoing is set on an IN mailbox; the default must be an OUT mailbox");
  }

  @Test
  void protocolCloseToAFoundTransportSaysWhichItMeant() {
    assertThatThrownBy(() -> builder().mailbox(out("a").protocol("recordng").build()).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith(
            "mailbox 'a': no transport for protocol 'recordng'; did you mean recording? transports found: [")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("outmail-transport-recordng"));
  }

  @Test
  void protocolWithoutTransportNamesItAndListsThoseFound() {
    assertThatThrownBy(() -> builder().mailbox(out("a").protocol("pigeon").build()).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("mailbox 'a': no transport for protocol 'pigeon'; transports found: [")
        .hasMessageContaining("recording");
  }

  @Test
  void anInMailboxNeedsNoTransport() {
    MailboxRegistry r = builder()
        .mailbox(Mailbox.builder("inbox").type(MailboxType.IN).protocol("imap").build()).build();
    assertThat(r.mailboxes()).extracting(Mailbox::id).containsExactly("inbox");
    assertThatThrownBy(() -> r.outgoing("inbox"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'inbox' is an IN mailbox and cannot send");
  }

  @Test
  void transportValidationRunsAtBuild() {
    assertThatThrownBy(() -> builder().mailbox(out("a").host("invalid.example").build()).build())
        .hasMessage("recording transport refuses host invalid.example");
  }

  @Test
  void unknownHookIsRefusedListingThoseFound() {
    assertThatThrownBy(
        () -> builder().hook(new CountingHook()).mailbox(out("a").postSendHooks("audit").build()).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'a': post-send hook 'audit' is unknown; hooks found: [counting]");
  }

  @Test
  void registeredOnlyNeedsADirectory() {
    assertThatThrownBy(() -> builder()
        .mailbox(out("a").allowedEmails(AllowedEmails.REGISTERED_ONLY).build()).build())
        .hasMessageContaining("allowed-emails is REGISTERED_ONLY but the registry has no recipient directory");
  }

  @Test
  void unknownIdFailsListingTheKnownOnes() {
    MailboxRegistry r = builder().mailbox(out("a").build()).mailbox(out("b").build()).build();
    assertThatThrownBy(() -> r.outgoing("c"))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("no mailbox with id 'c'; known ids: [a, b]");
  }

  @Test
  void forRecordUsesTheRecordsMailboxElseTheDefault() {
    MailboxRegistry r = builder()
        .mailbox(out("a").build()).mailbox(out("b").defaultOutgoing(true).build()).build();
    assertThat(r.forRecord(null).mailbox().id()).isEqualTo("b");
    assertThat(r.forRecord("  ").mailbox().id()).isEqualTo("b");
    assertThat(r.forRecord("a").mailbox().id()).isEqualTo("a");
    assertThat(r.defaultOutgoing().mailbox().id()).isEqualTo("b");
  }

  @Test
  void noDefaultIsAClearErrorWhenOneIsAskedFor() {
    MailboxRegistry r = builder().mailbox(out("a").build()).build();
    assertThatThrownBy(r::defaultOutgoing)
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("no mailbox is the default outgoing mailbox; mailboxes: [a]");
    assertThatThrownBy(() -> r.forRecord(null)).isInstanceOf(MailboxConfigException.class);
  }

  @Test
  void disabledMailboxSendsNothing() {
    String id = uniqueId("off");
    MailboxRegistry r = builder().mailbox(out(id).enabled(false).defaultOutgoing(true).build()).build();
    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOf(MailboxDisabledException.class)
        .hasMessage("mailbox '" + id + "' is disabled: nothing was sent");
    assertThat(transports.recorder(id).attempts).isEmpty();
  }

  @Test
  void noConnectionIsOpenedUntilTheFirstSend() {
    String id = uniqueId("lazy");
    MailboxRegistry r = builder().mailbox(out(id).build()).build();
    Recorder rec = transports.recorder(id);
    assertThat(rec.opened).isZero();
    r.outgoing(id).send(email());
    r.outgoing(id).send(email());
    assertThat(rec.opened).isEqualTo(1);
  }

  @Test
  void closeClosesTransportsAndTheAsyncExecutor() {
    String id = uniqueId("close");
    MailboxRegistry r = builder().mailbox(out(id).build()).build();
    OutgoingMailer mailer = r.outgoing(id);
    mailer.send(email());
    r.close();
    assertThat(transports.recorder(id).closed).isTrue();
    assertThatThrownBy(() -> mailer.sendAsync(email()).get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(MailException.class)
        .hasMessageContaining("the registry is closed");
    assertThatThrownBy(() -> mailer.send(email())).isInstanceOfSatisfying(TransportException.class, e -> {
      assertThat(e.stage()).isEqualTo(TransportException.Stage.CLOSED);
      assertThat(e.kind()).isEqualTo(TransportException.Kind.PERMANENT);
      assertThat(e).hasMessage("mailbox '" + id + "': the registry is closed");
    });
  }

  @Test
  void sendAsyncSendsOnTheRegistrysExecutor() throws Exception {
    String id = uniqueId("async");
    try (MailboxRegistry r = builder().mailbox(out(id).build()).build()) {
      SendResult result = r.outgoing(id).sendAsync(email()).get();
      assertThat(result.acceptedRecipients()).containsExactly("alice@example.org");
      assertThat(transports.recorder(id).attempts).hasSize(1);
    }
  }

  @Test
  void sendAsyncFailsWithTheSameExceptionAsSend() {
    String id = uniqueId("async-off");
    try (MailboxRegistry r = builder().mailbox(out(id).enabled(false).build()).build()) {
      assertThatThrownBy(() -> r.outgoing(id).sendAsync(email()).get())
          .hasCauseInstanceOf(MailboxDisabledException.class);
    }
  }

  @Test
  void checkReportsTheTransportsAnswer() {
    String id = uniqueId("check");
    MailboxRegistry r = builder().mailbox(out(id).enabled(false).build()).build();
    transports.recorder(id).checkResult = CheckResult.failed(TransportException.Stage.AUTHENTICATE,
        "authentication failed: 535 5.7.8", Duration.ofMillis(3));
    CheckResult c = r.outgoing(id).check();
    assertThat(c.ok()).isFalse();
    assertThat(c.stage()).contains(TransportException.Stage.AUTHENTICATE);
    assertThat(c.message()).isEqualTo("authentication failed: 535 5.7.8");
  }

  @Test
  void sendAsyncIsBoundedAndRefusesWhenItsQueueIsFull() throws Exception {
    String id = uniqueId("bounded");
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    transports.recorder(id).then(m -> {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return org.outmail.spi.TransportReceipt.accepted(m.recipients(), "250");
    });
    try (MailboxRegistry r = builder().mailbox(out(id).build()).asyncThreads(1).asyncQueueCapacity(1).build()) {
      OutgoingMailer mailer = r.outgoing(id);
      var first = mailer.sendAsync(email());
      started.await();
      var queued = mailer.sendAsync(email());
      var refused = mailer.sendAsync(email());
      assertThatThrownBy(refused::get).hasCauseInstanceOf(MailException.class)
          .hasMessageContaining("too many sends are queued");
      release.countDown();
      assertThat(first.get().attempts()).isEqualTo(1);
      assertThat(queued.get().attempts()).isEqualTo(1);
    }
  }

  @Test
  void tokenProvidersAddedOnTheBuilderReachTheTransport() {
    String id = uniqueId("oauth");
    org.outmail.oauth.AccessTokenProvider fixed = new org.outmail.oauth.AccessTokenProvider() {
      @Override
      public boolean supports(OAuthClient client) {
        return true;
      }

      @Override
      public org.outmail.oauth.AccessToken fetch(OAuthClient client, java.util.List<String> scopes,
          org.outmail.oauth.TokenStore store) {
        return new org.outmail.oauth.AccessToken(Secret.of("token-for-" + client.name()),
            java.time.Instant.now().plusSeconds(3600));
      }
    };
    OAuthClient client = OAuthClient.builder("google").provider(OAuthProvider.GOOGLE).clientId("c")
        .clientSecret(Secret.of("s")).build();
    MailboxRegistry r = builder().mailbox(out(id).oauthClient(client).build()).accessTokenProvider(fixed).build();
    r.outgoing(id).send(email());
    org.outmail.spi.TransportContext context = transports.recorder(id).context;
    assertThat(context.accessTokens().get(client, java.util.List.of("https://mail.google.com/")).token().value())
        .isEqualTo("token-for-google");
  }

  @Test
  void aPassedCheckCarriesTheWarningsOfTheOAuthClientsLastToken() {
    String id = uniqueId("oauth");
    org.outmail.oauth.AccessTokenProvider warning = new org.outmail.oauth.AccessTokenProvider() {
      @Override
      public boolean supports(OAuthClient client) {
        return true;
      }

      @Override
      public org.outmail.oauth.AccessToken fetch(OAuthClient client, java.util.List<String> scopes,
          org.outmail.oauth.TokenStore store) {
        return new org.outmail.oauth.AccessToken(Secret.of("t"), java.time.Instant.now().plusSeconds(3600),
            java.util.List.of("the refresh token expires in 8 hours"));
      }
    };
    OAuthClient client = OAuthClient.builder("google").provider(OAuthProvider.GOOGLE).clientId("c")
        .clientSecret(Secret.of("s")).build();
    MailboxRegistry r = builder().mailbox(out(id).oauthClient(client).build()).accessTokenProvider(warning).build();
    r.outgoing(id).send(email());
    transports.recorder(id).context.accessTokens().get(client, java.util.List.of("https://mail.google.com/"));

    assertThat(r.outgoing(id).check().message())
        .isEqualTo("recording transport ready; warning: the refresh token expires in 8 hours");
  }

  @Test
  void aTokenSavedThroughTheRegistrysTokenStoreDropsTheClientsCachedAccessTokens() {
    String id = uniqueId("oauth");
    java.util.concurrent.atomic.AtomicInteger fetched = new java.util.concurrent.atomic.AtomicInteger();
    org.outmail.oauth.AccessTokenProvider counting = new org.outmail.oauth.AccessTokenProvider() {
      @Override
      public boolean supports(OAuthClient client) {
        return true;
      }

      @Override
      public org.outmail.oauth.AccessToken fetch(OAuthClient client, java.util.List<String> scopes,
          org.outmail.oauth.TokenStore store) {
        return new org.outmail.oauth.AccessToken(Secret.of("token-" + fetched.incrementAndGet()),
            java.time.Instant.now().plusSeconds(3600));
      }
    };
    OAuthClient client = OAuthClient.builder("google").provider(OAuthProvider.GOOGLE)
        .grant(org.outmail.oauth.OAuthGrant.REFRESH_TOKEN)
        .clientId("c").clientSecret(Secret.of("s")).build();
    MailboxRegistry r = builder().mailbox(out(id).oauthClient(client).build()).accessTokenProvider(counting).build();
    r.outgoing(id).send(email());
    org.outmail.oauth.AccessTokens tokens = transports.recorder(id).context.accessTokens();
    java.util.List<String> scopes = java.util.List.of("https://mail.google.com/");
    assertThat(tokens.get(client, scopes).token().value()).isEqualTo("token-1");
    assertThat(tokens.get(client, scopes).token().value()).isEqualTo("token-1");

    r.tokenStore().save("google", Secret.of("refresh-token-of-a-new-validation"));

    assertThat(tokens.get(client, scopes).token().value()).isEqualTo("token-2");
    assertThat(r.tokenStore().load("google")).map(Secret::value).contains("refresh-token-of-a-new-validation");
  }

  @Test
  void hookAddedOnTheBuilderWinsOverAnotherOfTheSameName() {
    PostSendHook mine = new PostSendHook() {
      @Override
      public String name() {
        return "counting";
      }

      @Override
      public void afterSend(SentEmail sent) {}
    };
    assertThatThrownBy(() -> builder().hook(mine).hook(mine))
        .hasMessage("two hooks are named 'counting'");
  }

  @Test
  void aDuplicateMailboxIdFailsAtOnceNamingIt() {
    MailboxRegistry.Builder b = MailboxRegistry.builder().mailbox(out("a").build());
    assertThatThrownBy(() -> b.mailbox(out("a").name("Another").build()))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> {
          assertThat(e.mailboxId()).isEqualTo("a");
          assertThat(e.field()).isEqualTo("id");
        })
        .hasMessage("two mailboxes have the id 'a'");
  }

  @Test
  void asyncSettingsAreCheckedInTheSetterAsConfigErrors() {
    assertThatThrownBy(() -> MailboxRegistry.builder().asyncThreads(0))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("asyncThreads must be at least 1, was 0");
    assertThatThrownBy(() -> MailboxRegistry.builder().asyncQueueCapacity(-5))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("asyncQueueCapacity must be at least 1, was -5");
    assertThatThrownBy(() -> MailboxRegistry.builder().asyncThreads(2).asyncThreads(3))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("asyncThreads was already set to 2");
    assertThatThrownBy(() -> MailboxRegistry.builder().asyncQueueCapacity(2).asyncQueueCapacity(3))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("asyncQueueCapacity was already set to 2");
  }

  @Test
  void recipientDirectoryAndTokenStoreAreRefusedWhenSetTwice() {
    RecipientDirectory everyone = address -> true;
    assertThatThrownBy(() -> MailboxRegistry.builder().recipientDirectory(everyone).recipientDirectory(everyone))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("recipientDirectory was already set");
    org.outmail.oauth.TokenStore store = org.outmail.oauth.TokenStore.inMemory();
    assertThatThrownBy(() -> MailboxRegistry.builder().tokenStore(store).tokenStore(store))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageStartingWith("tokenStore was already set to ");
  }
}
