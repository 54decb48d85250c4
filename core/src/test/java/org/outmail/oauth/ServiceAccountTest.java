package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.MailboxConfigException;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.ServiceAccountKeyFile;

/** Google Workspace service accounts: the JWT-bearer grant (RFC 7523) with domain-wide delegation. */
@Timeout(30)
class ServiceAccountTest {
  private static final List<String> GMAIL = List.of(OAuthValidations.GOOGLE_MAIL_SCOPE);
  private static final String ACCOUNT = "outmail-sender@outmail-test.iam.gserviceaccount.com";

  @TempDir Path dir;

  private final AuthorizationServer server = AuthorizationServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  private ServiceAccountKeyFile key() {
    ServiceAccountKeyFile key = ServiceAccountKeyFile.write(dir, ACCOUNT, server.tokenEndpoint());
    server.registerServiceAccount(ACCOUNT, key.publicKey(), Set.of("support@example.com", "sales@example.com"),
        Set.of(OAuthValidations.GOOGLE_MAIL_SCOPE));
    return key;
  }

  private static OAuthClient client(Path keyFile) {
    return OAuthClient.textForm()
        .set(OAuthClient.builder("gsa").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.JWT_BEARER),
            "service-account-key", keyFile.toString(), name -> null)
        .build();
  }

  private static AccessTokens tokens() {
    return AccessTokens.of(List.of(new HttpTokenProvider(Duration.ofSeconds(5), Duration.ofSeconds(5))),
        TokenStore.inMemory());
  }

  @Test
  void theKeyFileGivesTheClientItsIdAndTokenEndpoint() {
    OAuthClient client = client(key().file());

    assertThat(client.clientId()).isEqualTo("104294925331788822467");
    assertThat(client.tokenEndpoint()).isEqualTo(server.tokenEndpoint());
    assertThat(client.serviceAccountKey()).contains(dir.resolve("outmail-sender.json"));
    assertThat(client.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void aServiceAccountGetsATokenForTheMailboxUserWithASignedAssertion() throws Exception {
    OAuthClient client = client(key().file());

    AccessToken token = tokens().get(client.withSubject("support@example.com"), GMAIL);

    AuthorizationServer.Grant grant = server.introspect(token.token().value()).orElseThrow();
    assertThat(grant.user()).isEqualTo("support@example.com");
    assertThat(grant.clientId()).isEqualTo(ACCOUNT);
    assertThat(grant.scopes()).containsExactly(OAuthValidations.GOOGLE_MAIL_SCOPE);
    String assertion = server.tokenRequests().get(0).get("assertion");
    assertThat(server.tokenRequests().get(0)).containsOnlyKeys("grant_type", "assertion")
        .containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
    String header = new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[0]), StandardCharsets.UTF_8);
    String claims = new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[1]), StandardCharsets.UTF_8);
    assertThat(header).isEqualTo("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"0123456789abcdef\"}");
    assertThat(claims).matches("\\{\"iss\":\"" + ACCOUNT.replace(".", "\\.") + "\",\"sub\":\"support@example\\.com\","
        + "\"scope\":\"https://mail\\.google\\.com/\",\"aud\":\""
        + server.tokenEndpoint().toString().replace(".", "\\.")
        + "\",\"iat\":(\\d+),\"exp\":\\d+}");
  }

  @Test
  void tokensAreCachedPerUser() {
    OAuthClient client = client(key().file());
    AccessTokens tokens = tokens();

    AccessToken support = tokens.get(client.withSubject("support@example.com"), GMAIL);
    AccessToken sales = tokens.get(client.withSubject("sales@example.com"), GMAIL);
    AccessToken supportAgain = tokens.get(client.withSubject("support@example.com"), GMAIL);

    assertThat(sales).isNotEqualTo(support);
    assertThat(supportAgain).isSameAs(support);
    assertThat(server.tokenRequests()).hasSize(2);
    assertThat(server.introspect(sales.token().value()).orElseThrow().user()).isEqualTo("sales@example.com");
  }

  @Test
  void aUserOutsideTheDomainIsRefusedWithWhatToCheck() {
    OAuthClient client = client(key().file()).withSubject("someone@elsewhere.example");

    assertThatThrownBy(() -> tokens().get(client, GMAIL))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.errorCode()).contains("invalid_grant"))
        .hasMessage("OAuth client 'gsa': token endpoint answered HTTP 400 invalid_grant: Invalid email or User ID;"
            + " check that the user someone@elsewhere.example exists in the Workspace domain and that the service account"
            + " key " + dir.resolve("outmail-sender.json") + " is still active");
  }

  @Test
  void aScopeNotAuthorizedForDelegationSaysWhereToAuthorizeIt() {
    OAuthClient client = client(key().file()).withSubject("support@example.com");

    assertThatThrownBy(() -> tokens().get(client, List.of("https://www.googleapis.com/auth/gmail.send")))
        .hasMessage(
            "OAuth client 'gsa': token endpoint answered HTTP 401 unauthorized_client: Client is unauthorized to"
                + " retrieve access tokens using this method, or client not authorized for any of the scopes requested.;"
                + " the service account may not act for users: in the Google Admin console (Security, API controls,"
                + " Domain-wide delegation) authorize client id 104294925331788822467 for"
                + " https://www.googleapis.com/auth/gmail.send");
  }

  @Test
  void anAssertionSignedWithAnotherKeyIsRefused() {
    ServiceAccountKeyFile registered = key();
    Path other = Files.exists(registered.file()) ? dir.resolve("other") : dir;
    ServiceAccountKeyFile stolen = ServiceAccountKeyFile.write(mkdirs(other), ACCOUNT, server.tokenEndpoint());

    assertThatThrownBy(() -> tokens().get(client(stolen.file()).withSubject("support@example.com"), GMAIL))
        .hasMessageStartingWith(
            "OAuth client 'gsa': token endpoint answered HTTP 400 invalid_grant: Invalid JWT Signature.");
  }

  @Test
  void withoutAUserTheGrantSaysWhatItNeeds() {
    OAuthClient client = client(key().file());

    assertThatThrownBy(() -> tokens().get(client, GMAIL))
        .hasMessage(
            "OAuth client 'gsa': the JWT-bearer grant needs the user to act for (the mailbox's user name or address)");
    assertThat(server.tokenRequests()).isEmpty();
  }

  @Test
  void aBadKeyFileIsAConfigErrorNamingTheFileNeverItsContent() throws Exception {
    Path notAKey = dir.resolve("client_secret.json");
    Files.writeString(notAKey, "{\"installed\":{\"client_id\":\"x\",\"client_secret\":\"GOCSPX-secret\"}}");
    assertThatThrownBy(() -> client(notAKey))
        .isInstanceOfSatisfying(MailboxConfigException.class,
            e -> assertThat(e.field()).isEqualTo("service-account-key"))
        .hasMessage(
            "oauth client 'gsa': service-account-key " + notAKey + " is not a service account key (a JSON file of"
                + " type service_account, as the Google Cloud console downloads it)")
        .hasMessageNotContaining("GOCSPX");
    Path noEmail = dir.resolve("no-email.json");
    Files.writeString(noEmail, "{\"type\":\"service_account\",\"private_key\":\"x\"}");
    assertThatThrownBy(() -> client(noEmail)).hasMessage("oauth client 'gsa': service-account-key " + noEmail
        + " has no client_email");

    Path badPem = dir.resolve("bad.json");
    Files.writeString(badPem, "{\"type\":\"service_account\",\"client_email\":\"a@b.c\",\"private_key\":"
        + "\"-----BEGIN PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END PRIVATE KEY-----\\n\"}");
    assertThatThrownBy(() -> client(badPem))
        .hasMessage(
            "oauth client 'gsa': service-account-key " + badPem + ": private_key is not a PKCS#8 RSA private key"
                + " in PEM form");

    assertThatThrownBy(() -> client(dir.resolve("missing.json")))
        .hasMessage("oauth client 'gsa': service-account-key " + dir.resolve("missing.json")
            + " cannot be read (NoSuchFileException)");

    assertThatThrownBy(
        () -> OAuthClient.builder("gsa").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.JWT_BEARER).build())
        .hasMessage(
            "oauth client 'gsa': service-account-key is required for the JWT_BEARER grant (the service account's"
                + " JSON key file)");
  }

  private static Path mkdirs(Path p) {
    try {
      return Files.createDirectories(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
