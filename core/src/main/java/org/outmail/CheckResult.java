package org.outmail;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer of a mailbox's Check: whether connecting, securing, and authenticating worked, one
 * message that says what happened (or which stage failed and what the server said), and how long
 * it took. Never contains a password or token.
 */
public final class CheckResult {
  private final boolean ok;
  private final TransportException.@Nullable Stage stage;
  private final String message;
  private final Duration elapsed;

  private CheckResult(boolean ok, TransportException.@Nullable Stage stage, String message, Duration elapsed) {
    this.ok = ok;
    this.stage = stage;
    this.message = Objects.requireNonNull(message, "message == null");
    this.elapsed = Objects.requireNonNull(elapsed, "elapsed == null");
  }

  /**
   * A successful check, e.g. "connected to smtp.example.com:587, TLSv1.3, authenticated with
   * PLAIN".
   *
   * @param message what the check found
   * @param elapsed how long the check took
   * @return the result
   */
  public static CheckResult passed(String message, Duration elapsed) {
    return new CheckResult(true, null, message, elapsed);
  }

  /**
   * A failed check.
   *
   * @param stage the stage that failed, as a send's {@link TransportException#stage()} names it
   * @param message which stage failed and what the server said
   * @param elapsed how long the check took until it failed
   * @return the result
   */
  public static CheckResult failed(TransportException.Stage stage, String message, Duration elapsed) {
    Objects.requireNonNull(stage, "stage == null");
    return new CheckResult(false, stage, message, elapsed);
  }

  /** {@return whether every stage of the check worked} */
  public boolean ok() {
    return ok;
  }

  /** {@return the stage that failed, the same type a send's failure names; empty when the check passed} */
  public Optional<TransportException.Stage> stage() {
    return Optional.ofNullable(stage);
  }

  /**
   * {@return what happened: on success what was negotiated, on failure which stage failed and why}
   */
  public String message() {
    return message;
  }

  /** {@return how long the check took} */
  public Duration elapsed() {
    return elapsed;
  }

  @Override
  public String toString() {
    return (stage == null ? "OK" : "FAILED [" + stage.name().toLowerCase(Locale.ROOT) + "]") + " " + message + " ("
        + elapsed.toMillis() + " ms)";
  }
}
