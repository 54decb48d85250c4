package org.outmail.oauth;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.outmail.Secret;

/**
 * A device code validation started by {@link OAuthValidations#startDevice}: the administrator
 * opens {@link #verificationUri()} on any device with a browser and enters {@link #userCode()};
 * {@link OAuthValidations#awaitDevice} polls until they have. Its {@code toString} never shows the
 * device code.
 */
public final class DeviceAuthorization {
  private final OAuthClient client;
  private final List<String> scopes;
  private final Secret deviceCode;
  private final @Nullable Secret verifier;
  private final String userCode;
  private final URI verificationUri;
  private final @Nullable URI verificationUriComplete;
  private final Instant expiresAt;
  private final Duration interval;
  private final AtomicBoolean awaited = new AtomicBoolean();
  private final java.net.http.HttpClient http;

  DeviceAuthorization(OAuthClient client, List<String> scopes, Secret deviceCode, @Nullable Secret verifier,
      String userCode,
      URI verificationUri, @Nullable URI verificationUriComplete, Instant expiresAt, Duration interval,
      java.net.http.HttpClient http) {
    this.http = http;
    this.client = client;
    this.scopes = List.copyOf(scopes);
    this.deviceCode = deviceCode;
    this.verifier = verifier;
    this.userCode = userCode;
    this.verificationUri = verificationUri;
    this.verificationUriComplete = verificationUriComplete;
    this.expiresAt = expiresAt;
    this.interval = interval;
  }

  /** {@return the OAuth client being validated} */
  public String clientName() {
    return client.name();
  }

  /** {@return the code the administrator enters at the verification page} */
  public String userCode() {
    return userCode;
  }

  /** {@return the page where the administrator enters the code} */
  public URI verificationUri() {
    return verificationUri;
  }

  /** {@return the page with the code already filled in, if the provider offers one} */
  public Optional<URI> verificationUriComplete() {
    return Optional.ofNullable(verificationUriComplete);
  }

  /** {@return when the code stops being accepted} */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@return how long to wait between two polls, as the provider asked} */
  public Duration interval() {
    return interval;
  }

  OAuthClient client() {
    return client;
  }

  List<String> scopes() {
    return scopes;
  }

  Secret deviceCode() {
    return deviceCode;
  }

  /** The PKCE verifier whose challenge the device request carried, if it carried one. */
  Optional<Secret> verifier() {
    return Optional.ofNullable(verifier);
  }

  /** The connections the device request went over, which the polls use too. */
  java.net.http.HttpClient http() {
    return http;
  }

  /** Whether this is the first call: a device code is polled by one caller only. */
  boolean claim() {
    return awaited.compareAndSet(false, true);
  }

  @Override
  public String toString() {
    return "DeviceAuthorization[client=" + client.name() + ", userCode=" + userCode + ", verificationUri="
        + verificationUri + ", expiresAt=" + expiresAt + "]";
  }
}
