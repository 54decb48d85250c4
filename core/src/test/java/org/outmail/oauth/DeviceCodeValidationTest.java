package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;

/**
 * The device code flow (RFC 8628) against the authorization server on 127.0.0.1. The waits between
 * polls move a test clock instead of sleeping, so every interval is asserted exactly.
 */
@Timeout(30)
class DeviceCodeValidationTest {
  private final AuthorizationServer server = AuthorizationServer.start()
      .registerClient("m365-app", null)
      .signIn("support@contoso.example");
  private final Browser browser = new Browser();
  private final TokenStore store = TokenStore.inMemory();
  private final TestClock clock = new TestClock();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private volatile IntConsumer beforePoll = n -> {};
  private final OAuthValidations validations = new OAuthValidations(store, OAuthValidations.DEFAULT_EXPIRY, clock,
      d -> {
        waits.add(d);
        clock.advance(d);
        beforePoll.accept(waits.size());
      });

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuthClient microsoft() {
    return OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT).grant(OAuthGrant.REFRESH_TOKEN)
        .authority(server.authority()).clientId("m365-app").build();
  }

  private void enter(DeviceAuthorization device, String consent) {
    URI page = URI.create(device.verificationUri() + "?user_code=" + device.userCode() + "&consent=" + consent);
    assertThat(browser.open(page).statusCode()).isEqualTo(200);
  }

  @Test
  void theTokenIsStoredOnceTheAdministratorHasEnteredTheCode() {
    DeviceAuthorization device = validations.startDevice(microsoft());
    assertThat(device.userCode()).matches("[A-Z]{4}-[A-Z]{4}");
    assertThat(device.verificationUri()).isEqualTo(server.base().resolve("device"));
    assertThat(device.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(device.expiresAt()).isEqualTo(clock.instant().plusSeconds(900));
    assertThat(device.toString())
        .doesNotContain(server.secrets().stream().filter(s -> s.startsWith("device-")).findFirst().orElseThrow());
    beforePoll = n -> {
      if (n == 3) {
        enter(device, "yes");
      }
    };

    OAuthValidation done = validations.awaitDevice(device, Duration.ofMinutes(5));

    assertThat(done.scopes()).containsExactly(OAuthValidations.MICROSOFT_SMTP_SCOPE);
    assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertThat(server.devicePolls()).isEqualTo(3);
    assertThat(server.isActiveRefreshToken(store.load("m365").orElseThrow().value())).isTrue();
    assertThat(server.tokenRequests()).allSatisfy(f -> assertThat(f)
        .containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:device_code")
        .containsEntry("client_id", "m365-app"));
  }

  @Test
  void eachSlowDownWaitsFiveSecondsLonger() {
    server.slowDownNextPolls(2);
    DeviceAuthorization device = validations.startDevice(microsoft());
    enter(device, "yes");

    validations.awaitDevice(device, Duration.ofMinutes(5));

    assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15));
    assertThat(store.load("m365")).isPresent();
  }

  @Test
  void aDeclinedSignInIsReported() {
    DeviceAuthorization device = validations.startDevice(microsoft());
    enter(device, "no");

    assertThatThrownBy(() -> validations.awaitDevice(device, Duration.ofMinutes(5)))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.errorCode()).contains("access_denied"))
        .hasMessage(
            "OAuth client 'm365': token endpoint answered HTTP 400 access_denied: the user declined the sign-in;"
                + " the sign-in was declined; start the validation again to retry");
    assertThat(store.load("m365")).isEmpty();
  }

  @Test
  void aCodeTheServerExpiredIsReported() {
    DeviceAuthorization device = validations.startDevice(microsoft());
    server.expireDeviceCodes();

    assertThatThrownBy(() -> validations.awaitDevice(device, Duration.ofMinutes(5)))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.errorCode()).contains("expired_token"))
        .hasMessage("OAuth client 'm365': token endpoint answered HTTP 400 expired_token: the device code has expired;"
            + " the code expired before it was entered; start the validation again");
  }

  @Test
  void theWaitEndsAtTheTimeoutWithoutAnotherPoll() {
    DeviceAuthorization device = validations.startDevice(microsoft());

    assertThatThrownBy(() -> validations.awaitDevice(device, Duration.ofSeconds(30)))
        .hasMessage("OAuth client 'm365': the code " + device.userCode() + " was not entered within 30 s");
    assertThat(waits).hasSize(5);
    assertThat(server.devicePolls()).isEqualTo(5);
  }

  @Test
  void theWaitEndsWhenTheCodeExpiresFirst() {
    DeviceAuthorization device = validations.startDevice(microsoft());

    assertThatThrownBy(() -> validations.awaitDevice(device, Duration.ofHours(1)))
        .hasMessage("OAuth client 'm365': the code " + device.userCode() + " expired before it was entered; start the"
            + " validation again");
    assertThat(server.devicePolls()).isEqualTo(179);
  }

  @Test
  void aDeviceAuthorizationIsAwaitedOnce() {
    DeviceAuthorization device = validations.startDevice(microsoft());
    enter(device, "yes");
    validations.awaitDevice(device, Duration.ofMinutes(1));

    assertThatThrownBy(() -> validations.awaitDevice(device, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void googlesDeviceFlowDoesNotGrantGmailAndSaysWhatToDoInstead() {
    OAuthClient google = OAuthClient.builder("gmail").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.REFRESH_TOKEN)
        .clientId("gmail-app").clientSecret(Secret.of("s")).deviceEndpoint(server.deviceEndpoint()).build();

    assertThatThrownBy(() -> validations.startDevice(google))
        .isInstanceOf(OAuthException.class)
        .hasMessage("OAuth client 'gmail': Google's device flow does not grant the Gmail scope ("
            + OAuthValidations.GOOGLE_MAIL_SCOPE + ");"
            + " validate it in a browser instead (outmail oauth validate gmail without --device, on any machine with a"
            + " browser), or use a Google Workspace service account (grant JWT_BEARER)");
    assertThat(server.tokenRequests()).isEmpty();
  }

  @Test
  void aGenericClientNeedsADeviceEndpoint() {
    OAuthClient generic = OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("m365-app")
        .tokenEndpoint(server.tokenEndpoint()).scopes("mail.send", "offline_access").build();
    assertThatThrownBy(() -> validations.startDevice(generic))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("device-endpoint"));

    OAuthClient withDevice = OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("m365-app")
        .tokenEndpoint(server.tokenEndpoint()).deviceEndpoint(server.deviceEndpoint())
        .scopes("mail.send", "offline_access")
        .build();
    DeviceAuthorization device = validations.startDevice(withDevice);
    enter(device, "yes");
    assertThat(validations.awaitDevice(device, Duration.ofMinutes(1)).scopes()).containsExactly("mail.send");
  }

  private OAuthClient confidential(ClientAuthentication method) {
    server.registerClient("idp-app", "idp-secret");
    return OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .clientSecret(Secret.of("idp-secret"))
        .clientAuthentication(method).tokenEndpoint(server.tokenEndpoint()).deviceEndpoint(server.deviceEndpoint())
        .scopes("mail.send", "offline_access").build();
  }

  @Test
  void aConfidentialClientAuthenticatesAtTheDeviceEndpointWithItsSecretInTheForm() {
    DeviceAuthorization device = validations.startDevice(confidential(ClientAuthentication.CLIENT_SECRET_POST));
    enter(device, "yes");

    validations.awaitDevice(device, Duration.ofMinutes(1));

    assertThat(server.deviceRequests()).singleElement().satisfies(f -> assertThat(f)
        .containsEntry("client_id", "idp-app").containsEntry("client_secret", "idp-secret"));
    assertThat(server.clientAuthentications()).isNotEmpty().containsOnly("client_secret_post");
    assertThat(store.load("idp")).isPresent();
  }

  @Test
  void aConfidentialClientRegisteredForHttpBasicAuthenticatesSoAtTheDeviceAndTokenEndpoints() {
    DeviceAuthorization device = validations.startDevice(confidential(ClientAuthentication.CLIENT_SECRET_BASIC));
    enter(device, "yes");

    validations.awaitDevice(device, Duration.ofMinutes(1));

    assertThat(server.deviceRequests()).singleElement().satisfies(f -> assertThat(f)
        .doesNotContainKeys("client_id", "client_secret"));
    assertThat(server.tokenRequests()).allSatisfy(f -> assertThat(f).doesNotContainKeys("client_id", "client_secret"));
    assertThat(server.clientAuthentications()).hasSize(2).containsOnly("client_secret_basic");
    assertThat(store.load("idp")).isPresent();
  }

  @Test
  void aWrongSecretIsReportedByTheDeviceEndpointWithoutTheSecret() {
    server.registerClient("idp-app", "the-right-one");
    OAuthClient wrong = OAuthClient.builder("idp").grant(OAuthGrant.REFRESH_TOKEN).clientId("idp-app")
        .clientSecret(Secret.of("a-wrong-secret")).tokenEndpoint(server.tokenEndpoint())
        .deviceEndpoint(server.deviceEndpoint()).scopes("mail.send").build();

    assertThatThrownBy(() -> validations.startDevice(wrong))
        .hasMessage("OAuth client 'idp': device endpoint answered HTTP 401 invalid_client: Invalid client or Invalid"
            + " client credentials");
  }

  @Test
  void aClientThatRequiresPkceSendsAChallengeWithTheDeviceRequestAndTheVerifierWithEachPoll() {
    OAuthClient client = confidential(ClientAuthentication.CLIENT_SECRET_BASIC);
    server.requirePkce("idp-app");
    DeviceAuthorization device = validations.startDevice(client);
    beforePoll = n -> {
      if (n == 2) {
        enter(device, "yes");
      }
    };

    validations.awaitDevice(device, Duration.ofMinutes(1));

    assertThat(server.deviceRequests()).singleElement().satisfies(f -> assertThat(f)
        .containsEntry("code_challenge_method", "S256").containsKey("code_challenge"));
    assertThat(server.tokenRequests()).hasSize(2).allSatisfy(f -> assertThat(f).containsKey("code_verifier"));
    assertThat(store.load("idp")).isPresent();
    assertThat(device.toString()).doesNotContain(server.tokenRequests().get(0).get("code_verifier"));
  }

  @Test
  void aMicrosoftClientSendsNoPkceWithTheDeviceRequest() {
    validations.startDevice(microsoft());

    assertThat(server.deviceRequests()).singleElement().satisfies(f -> assertThat(f)
        .doesNotContainKeys("code_challenge", "code_challenge_method"));
  }
}
