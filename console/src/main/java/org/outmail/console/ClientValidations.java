package org.outmail.console;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;
import org.outmail.oauth.AuthorizationRequest;
import org.outmail.oauth.DeviceAuthorization;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthException;
import org.outmail.oauth.OAuthValidation;
import org.outmail.oauth.OAuthValidations;
import org.outmail.oauth.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Validate button's side of the console: the core's {@link OAuthValidations} (authorization code
 * with PKCE behind the console's callback, or the device code flow) and, per client, who validated
 * it, when, and when its token expires, or why the last try failed. Kept in memory: after a restart
 * a client shows only whether a refresh token is stored.
 */
final class ClientValidations {
  private static final Logger LOG = LoggerFactory.getLogger(ClientValidations.class);

  /**
   * The last validation of a client, or one under way.
   *
   * @param user the administrator who pressed Validate
   * @param at when it started (waiting) or ended
   * @param done the validation, when it succeeded
   * @param error why it failed, or null
   * @param device the device code being waited for, or null
   */
  record Status(String user, Instant at, @Nullable OAuthValidation done, @Nullable String error,
      @Nullable DeviceAuthorization device) {
    boolean waiting() {
      return device != null && done == null && error == null;
    }
  }

  private record Started(String client, String user) {}

  private final OAuthValidations validations;
  private final Clock clock;
  private final Map<String, Started> byState = new ConcurrentHashMap<>();
  private final Map<String, Status> byClient = new ConcurrentHashMap<>();

  ClientValidations(TokenStore tokens, Clock clock) {
    this.validations = new OAuthValidations(tokens);
    this.clock = clock;
  }

  Optional<Status> status(String client) {
    return Optional.ofNullable(byClient.get(client));
  }

  /** Starts the browser flow: where to send the administrator. */
  URI start(OAuthClient client, URI callback, String user) {
    AuthorizationRequest request = validations.start(client, callback);
    byState.put(request.state(), new Started(client.name(), user));
    return request.authorizationUri();
  }

  /**
   * Completes the browser flow from the callback's parameters.
   *
   * @return the client's status now
   * @throws OAuthException if the state is not one started here (nothing is recorded then)
   */
  Status complete(Map<String, String> parameters) {
    Started started = parameters.get("state") == null ? null : byState.remove(parameters.get("state"));
    if (started == null) {
      throw new OAuthException("no validation waits for this state: it was completed already, has expired or was not"
          + " started here; press Validate again", "invalid_request", false, null);
    }
    Status s;
    try {
      OAuthValidation done = validations.complete(parameters);
      s = new Status(started.user(), done.validatedAt(), done, null, null);
      LOG.info("console: OAuth client {} validated by {}", started.client(), started.user());
    } catch (MailException e) {
      s = new Status(started.user(), clock.instant(), null, e.getMessage(), null);
    }
    byClient.put(started.client(), s);
    return s;
  }

  /** {@return the client the state was started for, if it is waiting} */
  Optional<String> clientOf(@Nullable String state) {
    Started s = state == null ? null : byState.get(state);
    return s == null ? Optional.empty() : Optional.of(s.client());
  }

  /**
   * Starts the device flow and waits for the code on a thread of its own, until the code expires.
   *
   * @return the codes to show
   */
  DeviceAuthorization startDevice(OAuthClient client, String user) {
    DeviceAuthorization device = validations.startDevice(client);
    Status waiting = new Status(user, clock.instant(), null, null, device);
    byClient.put(client.name(), waiting);
    Thread t = new Thread(() -> {
      Status s;
      try {
        Duration left = Duration.between(clock.instant(), device.expiresAt());
        OAuthValidation done = validations.awaitDevice(device, left.isNegative() ? Duration.ZERO : left);
        s = new Status(user, done.validatedAt(), done, null, null);
        LOG.info("console: OAuth client {} validated by {} (device code)", client.name(), user);
      } catch (MailException | IllegalStateException e) {
        s = new Status(user, clock.instant(), null, e.getMessage(), null);
      }
      byClient.replace(client.name(), waiting, s);
    }, "outmail-console-device-" + client.name());
    t.setDaemon(true);
    t.start();
    return device;
  }

  /** Forgets a client's status: its settings changed, so an earlier validation says nothing. */
  void forget(String client) {
    Objects.requireNonNull(client, "client == null");
    byClient.remove(client);
  }
}
