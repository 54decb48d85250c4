package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.TransportException;
import org.outmail.oauth.AuthorizationRequest;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthGrant;
import org.outmail.oauth.OAuthProvider;
import org.outmail.oauth.OAuthValidations;
import org.outmail.oauth.TokenStore;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;
import org.outmail.oauth.server.ServiceAccountKeyFile;

/**
 * The whole chain against real servers on 127.0.0.1: an administrator validates a delegated
 * client at the authorization server (its redirect followed by an HTTP client), then the mailbox
 * sends with XOAUTH2 to an SMTP server that accepts only tokens the authorization server issued to
 * the mailbox's user for the SMTP scope; the refresh token rotates; a revoked grant asks for a new
 * validation. And a Google service account sends as the mailbox's user.
 */
@Timeout(60)
class ValidatedClientXOAuth2Test extends ScriptedServerTest {
  private static final URI CALLBACK = URI.create("https://desk.example.com/oauth/callback");
  private static final String USER = "desk@example.com";

  @TempDir Path dir;

  private final AuthorizationServer auth = AuthorizationServer.start()
      .registerClient("m365-app", null, CALLBACK.toString())
      .signIn(USER)
      .accessTokenSeconds(2); // renewed a second before it expires: a connection a second later refreshes

  @AfterEach
  void stopAuth() {
    auth.close();
  }

  /** The SMTP server's check: a live token of the authorization server, for this user and scope. */
  private void smtpAccepts(String scope) {
    server.authReply(a -> a.mechanism().equals("XOAUTH2") && auth.introspect(a.secret())
        .filter(g -> g.user().equals(a.user()) && g.scopes().contains(scope)).isPresent()
            ? "235 2.7.0 Authentication successful" : "535 5.7.3 Authentication unsuccessful");
  }

  private MailboxRegistry registry(OAuthClient client, TokenStore store) {
    return registry(MailboxRegistry.builder().tokenStore(store), Fixtures.mailbox(server.port(), Encryption.NONE)
        .oauthClient(client).options(SmtpOptions.builder().maxMessagesPerConnection(1).build()));
  }

  private static Email email() {
    return Email.builder().to("alice@example.org").subject("Hello").text("body").build();
  }

  @Test
  void aValidatedMicrosoftClientSendsRotatesAndAsksForANewValidationOnceRevoked() {
    smtpAccepts("https://outlook.office.com/SMTP.Send");
    OAuthClient client = OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).grant(OAuthGrant.REFRESH_TOKEN)
        .authority(auth.authority()).clientId("m365-app").build();
    TokenStore store = TokenStore.file(dir.resolve("tokens.properties"));
    OAuthValidations validations = new OAuthValidations(store);
    AuthorizationRequest request = validations.start(client, CALLBACK);
    validations.complete(new Browser().signIn(request.authorizationUri()));
    String validated = store.load("m365").orElseThrow().value();
    MailboxRegistry r = registry(client, store);

    r.defaultOutgoing().send(email());
    String afterFirst = store.load("m365").orElseThrow().value();
    pastRenewal();
    r.defaultOutgoing().send(email());

    assertThat(server.received()).hasSize(2);
    assertThat(server.auths()).hasSize(2).allSatisfy(a -> {
      assertThat(a.mechanism()).isEqualTo("XOAUTH2");
      assertThat(a.user()).isEqualTo(USER);
    });
    assertThat(List.of(validated, afterFirst, store.load("m365").orElseThrow().value())).doesNotHaveDuplicates();
    assertThat(auth.isActiveRefreshToken(store.load("m365").orElseThrow().value())).isTrue();
    assertThat(auth.tokenRequests()).extracting(f -> f.get("scope"))
        .containsExactly(null, "https://outlook.office.com/SMTP.Send", "https://outlook.office.com/SMTP.Send");

    auth.revokeRefreshTokens("m365-app");
    pastRenewal();
    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.stage()).isEqualTo(TransportException.Stage.TOKEN);
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage()).contains("invalid_grant",
              "validate the client again (run 'outmail oauth validate m365");
          auth.secrets().forEach(s -> assertThat(e.getMessage()).doesNotContain(s));
        });
    CheckResult check = r.defaultOutgoing().check();
    assertThat(check.stage()).contains(TransportException.Stage.TOKEN);
    assertThat(check.message()).contains("the refresh token was revoked or has expired");
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void aMailboxWhoseClientWasNeverValidatedSaysSoAtCheck() {
    OAuthClient client = OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).grant(OAuthGrant.REFRESH_TOKEN)
        .authority(auth.authority()).clientId("m365-app").build();

    CheckResult check = registry(client, TokenStore.inMemory()).defaultOutgoing().check();

    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.TOKEN);
    assertThat(check.message()).isEqualTo("could not get an OAuth token: OAuth client 'm365' is not validated yet: run"
        + " 'outmail oauth validate m365 --config FILE' or press Validate on the client in the console");
  }

  @Test
  void aGoogleServiceAccountSendsAsTheMailboxUser() {
    smtpAccepts("https://mail.google.com/");
    String account = "outmail-sender@outmail-test.iam.gserviceaccount.com";
    ServiceAccountKeyFile key = ServiceAccountKeyFile.write(dir, account, auth.tokenEndpoint());
    auth.registerServiceAccount(account, key.publicKey(), Set.of(USER), Set.of("https://mail.google.com/"));
    OAuthClient client = OAuthClient.builder("gsa").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.JWT_BEARER)
        .serviceAccountKey(key.file()).build();

    registry(client, TokenStore.inMemory()).defaultOutgoing().send(email());

    assertThat(server.auths()).singleElement().satisfies(a -> {
      assertThat(a.mechanism()).isEqualTo("XOAUTH2");
      assertThat(a.user()).isEqualTo(USER);
      assertThat(auth.introspect(a.secret()).orElseThrow().clientId()).isEqualTo(account);
    });
    assertThat(server.received()).hasSize(1);
  }

  /** Waits until the cached 2 s access token is within its renewal window (the last second). */
  private static void pastRenewal() {
    try {
      Thread.sleep(1100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
