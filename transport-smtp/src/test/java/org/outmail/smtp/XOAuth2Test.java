package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.Encryption;
import org.outmail.MailboxRegistry;
import org.outmail.Secret;
import org.outmail.TransportException;
import org.outmail.oauth.AccessToken;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthException;
import org.outmail.oauth.OAuthProvider;
import org.outmail.oauth.TokenStore;

/** XOAUTH2: the mechanism on the wire, the user, the default scopes, fresh tokens, one retry on 535. */
@Timeout(60)
class XOAuth2Test extends ScriptedServerTest {
  private final Fixtures.CountingTokens tokens = new Fixtures.CountingTokens();

  private MailboxRegistry registry(OAuthClient client, AccessTokenProvider provider, int maxMessagesPerConnection) {
    return registry(MailboxRegistry.builder().accessTokenProvider(provider),
        Fixtures.mailbox(server.port(), Encryption.NONE).username("svc@contoso.com").oauthClient(client)
            .options(SmtpOptions.builder().maxMessagesPerConnection(maxMessagesPerConnection).build()));
  }

  private static Email email() {
    return Email.builder().to("alice@example.org").subject("Hello").text("body").build();
  }

  @Test
  void sendsWithXoauth2TheMailboxUserAndTheMicrosoftSmtpScope() {
    MailboxRegistry r = registry(Fixtures.microsoftClient(), tokens, 1000);

    r.defaultOutgoing().send(email());

    assertThat(server.commands()).contains("AUTH XOAUTH2").doesNotContain("AUTH LOGIN", "AUTH PLAIN");
    assertThat(server.auths()).singleElement()
        .isEqualTo(new ScriptedSmtpServer.Auth("XOAUTH2", "svc@contoso.com", "token-1"));
    assertThat(tokens.scopes).containsOnly(List.of("https://outlook.office365.com/.default"));
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void googleClientsAskForTheGmailScope() {
    OAuthClient google = OAuthClient.builder("gmail").provider(OAuthProvider.GOOGLE).clientId("id")
        .clientSecret(Secret.of("client-secret")).build();

    registry(google, tokens, 1000).defaultOutgoing().send(email());

    assertThat(tokens.scopes).containsOnly(List.of("https://mail.google.com/"));
  }

  @Test
  void aRefusedTokenIsReplacedOnceByAFreshOne() {
    server
        .authReply(a -> a.secret().equals("token-1") ? "535 5.7.3 Authentication unsuccessful" : "235 2.7.0 Accepted");

    registry(Fixtures.microsoftClient(), tokens, 1000).defaultOutgoing().send(email());

    assertThat(server.auths()).extracting(ScriptedSmtpServer.Auth::secret).containsExactly("token-1", "token-2");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void aTokenRefusedTwiceFailsPermanentlyWithoutShowingIt() {
    server.authReply(a -> "535 5.7.3 Authentication unsuccessful");
    MailboxRegistry r = registry(Fixtures.microsoftClient(), tokens, 1000);

    assertThatThrownBy(() -> r.defaultOutgoing().send(email()))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.replyCode()).isEqualTo(535);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.AUTHENTICATE);
          assertThat(e.getMessage())
              .isEqualTo("mailbox 'mb': authentication failed: 535 5.7.3 Authentication unsuccessful "
                  + "(the OAuth token was refused twice; check the client's permissions for SMTP and the user name)");
          assertThat(e.getMessage()).doesNotContain("token-1", "token-2");
        });
    assertThat(server.auths()).hasSize(2);
  }

  @Test
  void everyNewConnectionPresentsATokenValidForAWhileYet() {
    // tokens here expire as they are handed out, so each new connection fetches a new one
    MailboxRegistry r = registry(Fixtures.microsoftClient(), tokens, 1);

    r.defaultOutgoing().send(email());
    r.defaultOutgoing().send(email());

    assertThat(server.connections()).isEqualTo(2);
    assertThat(server.auths()).extracting(ScriptedSmtpServer.Auth::secret).containsExactly("token-1", "token-2");
  }

  @Test
  void checkSaysXoauth2AndATokenFailureIsTheTokenStage() {
    CheckResult ok = registry(Fixtures.microsoftClient(), tokens, 1000).defaultOutgoing().check();
    assertThat(ok.message()).isEqualTo("connected to 127.0.0.1:" + server.port()
        + ", server 'scripted.test ESMTP ready', no TLS, authenticated as svc@contoso.com with XOAUTH2");
    registry.close();

    AccessTokenProvider failing = new AccessTokenProvider() {
      @Override
      public boolean supports(OAuthClient client) {
        return true;
      }

      @Override
      public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store) {
        throw new OAuthException("OAuth client 'm365': token endpoint answered HTTP 401 invalid_client",
            "invalid_client", false, null);
      }
    };
    CheckResult check = registry(Fixtures.microsoftClient(), failing, 1000).defaultOutgoing().check();

    assertThat(check.ok()).isFalse();
    assertThat(check.stage()).contains(TransportException.Stage.TOKEN);
    assertThat(check.message()).isEqualTo(
        "could not get an OAuth token: OAuth client 'm365': token endpoint answered HTTP 401 invalid_client");
    assertThat(server.connections()).isEqualTo(1);
  }
}
