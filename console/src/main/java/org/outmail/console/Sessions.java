package org.outmail.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Logged-in sessions, in memory: a random id in an {@code HttpOnly}, {@code SameSite=Strict}
 * cookie, and a CSRF token of its own that every state-changing form carries back. A new id at each
 * login; sessions end after a time without use.
 */
final class Sessions {
  static final String COOKIE = "outmail_console";
  private static final SecureRandom RANDOM = new SecureRandom();

  static final class Session {
    final String id;
    final String user;
    final String csrf;
    volatile Instant lastUse;
    /** A notice for the next page of this session, such as "Mailbox x saved."; or null. */
    volatile @Nullable String flash;

    Session(String id, String user, String csrf, Instant lastUse) {
      this.id = id;
      this.user = user;
      this.csrf = csrf;
      this.lastUse = lastUse;
    }

    boolean csrfMatches(@Nullable String token) {
      return token != null && MessageDigest.isEqual(Users.utf8(csrf), Users.utf8(token));
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration idle;

  Sessions(Clock clock, Duration idle) {
    this.clock = clock;
    this.idle = idle;
  }

  static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  Session open(String user) {
    Session s = new Session(token(), user, token(), clock.instant());
    sessions.put(s.id, s);
    Instant now = clock.instant();
    sessions.values().removeIf(x -> x.lastUse.plus(idle).isBefore(now));
    return s;
  }

  Optional<Session> find(@Nullable String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (s.lastUse.plus(idle).isBefore(now)) {
      sessions.remove(id);
      return Optional.empty();
    }
    s.lastUse = now;
    return Optional.of(s);
  }

  void close(@Nullable String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  long maxAgeSeconds() {
    return idle.toSeconds();
  }
}
