package org.outmail.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins slowed down: after the n-th failure in a row from one address, logins from it are
 * refused for 2^(n-1) seconds, at most 5 minutes, whatever the password. No thread sleeps, so a
 * flood of attempts costs the console nothing. A success clears the count.
 */
final class LoginThrottle {
  private static final Duration MAX = Duration.ofMinutes(5);

  private record Failures(int count, Instant until) {}

  private final Clock clock;
  private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** {@return how long the address must still wait; zero when it may try} */
  Duration wait(String address) {
    Failures f = byAddress.get(address);
    if (f == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), f.until);
    return left.isNegative() ? Duration.ZERO : left;
  }

  void failed(String address) {
    byAddress.compute(address, (a, f) -> {
      int n = f == null ? 1 : f.count + 1;
      Duration d = Duration.ofSeconds(1L << Math.min(n - 1, 20));
      return new Failures(n, clock.instant().plus(d.compareTo(MAX) > 0 ? MAX : d));
    });
    if (byAddress.size() > 10_000) {
      Instant now = clock.instant();
      byAddress.values().removeIf(f -> f.until.isBefore(now));
    }
  }

  void succeeded(String address) {
    byAddress.remove(address);
  }
}
