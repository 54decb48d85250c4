package org.outmail.oauth;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.outmail.Secret;

/**
 * The device code flow (RFC 8628) of {@link OAuthValidations}: ask the device endpoint for the codes
 * an administrator enters, then poll the token endpoint until they have, and store the refresh
 * token. Shares the validations' HTTP client, clock, store and helpers.
 */
final class DeviceFlow {
  /** Added to the polling interval at each {@code slow_down}. */
  private static final Duration SLOW_DOWN = Duration.ofSeconds(5);

  private final OAuthValidations v;

  DeviceFlow(OAuthValidations validations) {
    this.v = validations;
  }

  /** {@link OAuthValidations#startDevice(OAuthClient, List)}. */
  DeviceAuthorization start(OAuthClient client, List<String> scopes) {
    Objects.requireNonNull(client, "client == null");
    Objects.requireNonNull(scopes, "scopes == null");
    Flows.checkDelegated(client);
    if (client.provider() == OAuthProvider.GOOGLE) {
      throw new OAuthException(Flows.googleHasNoDeviceFlow(client.name()), null, false, null);
    }
    java.net.http.HttpClient http = client.http(v.http); // through the client's proxy, if it has one
    OAuthClient resolved = client.resolve(http);
    URI endpoint = resolved.deviceEndpoint().orElseThrow(() -> Flows.config(resolved, "device-endpoint",
        "is required for the device code flow (the provider's device authorization endpoint); without one,"
            + " validate the client in a browser"));
    List<String> asked = Flows.scopes(client, scopes);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("scope", String.join(" ", asked));
    Secret verifier = null;
    if (client.provider() != OAuthProvider.MICROSOFT) {
      // PKCE on the device request (S256), as the browser flow uses it: servers that require PKCE for
      // a client require it here too; those that do not ignore parameters they do not know
      verifier = Secret.of(v.random(32));
      form.put("code_challenge", Flows.challenge(verifier.value()));
      form.put("code_challenge_method", "S256");
    }
    List<Secret> hidden = Flows.hidden(client);
    TokenRequests.Answer answer = TokenRequests.post(http, v.requestTimeout, client, "device endpoint", endpoint,
        form, hidden);
    Map<String, String> json = answer.json();
    String deviceCode = json.get("device_code");
    String userCode = json.get("user_code");
    String verification = json.get("verification_uri") != null ? json.get("verification_uri")
        : json.get("verification_url");
    if (answer.status() != 200 || deviceCode == null || userCode == null || verification == null) {
      throw TokenRequests.refused(client.name(), "device endpoint", answer, hidden,
          client.provider() == OAuthProvider.MICROSOFT && answer.status() != 200
              ? "the app registration must allow public client flows (Authentication, Advanced settings)" : null);
    }
    URI complete = json.get("verification_uri_complete") == null ? null
        : Flows.uri(json.get("verification_uri_complete"));
    Instant expiresAt = v.clock.instant().plusSeconds(TokenRequests.seconds(json, "expires_in", 900));
    Duration interval = Duration.ofSeconds(Math.max(1, TokenRequests.seconds(json, "interval", 5)));
    return new DeviceAuthorization(resolved, asked, Secret.of(deviceCode), verifier, userCode, Flows.uri(verification),
        complete,
        expiresAt, interval, http);
  }

  /** {@link OAuthValidations#awaitDevice(DeviceAuthorization, Duration)}. */
  OAuthValidation await(DeviceAuthorization device, Duration timeout) {
    Objects.requireNonNull(device, "device == null");
    Objects.requireNonNull(timeout, "timeout == null");
    if (!device.claim()) {
      throw new IllegalStateException("the device authorization of OAuth client '" + device.clientName()
          + "' was awaited before");
    }
    OAuthClient client = device.client();
    String name = client.name();
    Instant giveUp = v.clock.instant().plus(timeout);
    boolean codeExpiresFirst = device.expiresAt().isBefore(giveUp);
    Instant deadline = codeExpiresFirst ? device.expiresAt() : giveUp;
    Duration interval = device.interval();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", OAuthValidations.DEVICE_GRANT);
    form.put("device_code", device.deviceCode().value());
    List<Secret> hidden = Flows.hidden(client);
    hidden.add(device.deviceCode());
    device.verifier().ifPresent(verifier -> {
      form.put("code_verifier", verifier.value());
      hidden.add(verifier);
    });
    while (true) {
      if (!v.clock.instant().plus(interval).isBefore(deadline)) {
        throw new OAuthException("OAuth client '" + name + "': " + (codeExpiresFirst
            ? "the code " + device.userCode() + " expired before it was entered; start the validation again"
            : "the code " + device.userCode() + " was not entered within " + Flows.seconds(timeout)), "expired_token",
            false, null);
      }
      try {
        v.sleeper.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OAuthException("interrupted while waiting for the code of OAuth client '" + name + "'", null, true,
            e);
      }
      TokenRequests.Answer answer = TokenRequests.post(device.http(), v.requestTimeout, client, "token endpoint",
          client.tokenEndpoint(), form, hidden);
      if (answer.status() == 200 && answer.json().get("access_token") != null) {
        return v.stored(client, device.scopes(), answer, hidden);
      }
      String error = answer.error() == null ? "" : answer.error();
      switch (error) {
        case "authorization_pending" -> {
          // keep polling
        }
        case "slow_down" -> interval = interval.plus(SLOW_DOWN);
        case "access_denied", "authorization_declined" ->
          throw TokenRequests.refused(name, "token endpoint", answer, hidden,
              "the sign-in was declined; start the validation again to retry");
        case "expired_token", "code_expired" -> throw TokenRequests.refused(name, "token endpoint", answer, hidden,
            "the code expired before it was entered; start the validation again");
        default -> throw TokenRequests.refused(name, "token endpoint", answer, hidden, null);
      }
    }
  }
}
