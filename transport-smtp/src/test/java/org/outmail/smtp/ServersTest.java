package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.outmail.ServerAddress;

/** The order servers are tried in, on a clock the test moves: failover, round-robin, back-off and return. */
class ServersTest {
  private static final ServerAddress A = new ServerAddress("smtp1.example.com", 587);
  private static final ServerAddress B = new ServerAddress("smtp2.example.com", 587);
  private static final ServerAddress C = new ServerAddress("smtp3.example.com", 25);

  private final AtomicLong now = new AtomicLong(1_000);

  private Servers servers(SmtpOptions.ServersMode mode) {
    return new Servers(List.of(A, B, C), mode, Duration.ofSeconds(30), now::get);
  }

  @Test
  void failoverTriesInTheOrderGivenAndPutsAFailedServerLastUntilItsBackoffEnds() {
    Servers s = servers(SmtpOptions.ServersMode.FAILOVER);
    assertThat(s.order()).containsExactly(A, B, C);

    s.failed(A);
    assertThat(s.order()).containsExactly(B, C, A);
    assertThat(s.backingOff(A)).isTrue();

    now.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(s.order()).containsExactly(B, C, A);
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(s.order()).containsExactly(A, B, C);
    assertThat(s.backingOff(A)).isFalse();
  }

  @Test
  void serversBackingOffComeLastTheOneWhoseBackoffEndsFirstAhead() {
    Servers s = servers(SmtpOptions.ServersMode.FAILOVER);
    s.failed(B);
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    s.failed(A);

    assertThat(s.order()).containsExactly(C, B, A);
  }

  @Test
  void aServerThatTookAConnectionIsNoLongerSkipped() {
    Servers s = servers(SmtpOptions.ServersMode.FAILOVER);
    s.failed(A);
    s.succeeded(A);

    assertThat(s.order()).containsExactly(A, B, C);
  }

  @Test
  void roundRobinStartsOneServerFurtherEachTimeAndSkipsOneBackingOffUntilItReturns() {
    Servers s = servers(SmtpOptions.ServersMode.ROUND_ROBIN);
    assertThat(s.order()).containsExactly(A, B, C);
    assertThat(s.order()).containsExactly(B, C, A);
    assertThat(s.order()).containsExactly(C, A, B);

    s.failed(B);
    assertThat(s.order()).containsExactly(A, C, B);
    assertThat(s.order()).containsExactly(C, A, B);
    assertThat(s.order()).containsExactly(C, A, B);

    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(s.order()).containsExactly(A, B, C);
    assertThat(s.order()).containsExactly(B, C, A);
  }
}
