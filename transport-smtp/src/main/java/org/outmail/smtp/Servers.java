package org.outmail.smtp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import org.outmail.ServerAddress;

/**
 * The order in which a mailbox's servers are tried for a new connection. {@code FAILOVER}: in the
 * order given; {@code ROUND_ROBIN}: each new connection starts one server further. A server that
 * could not be used is skipped for the back-off period: it comes after every other server (so it is
 * still tried when all of them fail), the one whose back-off ends first ahead. Thread-safe.
 */
final class Servers {
  private final List<ServerAddress> servers;
  private final SmtpOptions.ServersMode mode;
  private final long backoffNanos;
  private final LongSupplier clock;
  /** When each server's back-off ends (nano time), or 0; guarded by this. */
  private final long[] failedUntil;
  private final boolean[] failed;
  /** The server a round-robin connection starts at next; guarded by this. */
  private int turn;

  Servers(List<ServerAddress> servers, SmtpOptions.ServersMode mode, java.time.Duration backoff, LongSupplier clock) {
    this.servers = List.copyOf(servers);
    this.mode = mode;
    this.backoffNanos = backoff.toNanos();
    this.clock = clock;
    this.failedUntil = new long[servers.size()];
    this.failed = new boolean[servers.size()];
  }

  List<ServerAddress> all() {
    return servers;
  }

  /** The servers to try for the next new connection, in order: those not backing off first. */
  synchronized List<ServerAddress> order() {
    int n = servers.size();
    int start = 0;
    if (mode == SmtpOptions.ServersMode.ROUND_ROBIN && n > 1) {
      start = turn;
      turn = (turn + 1) % n;
    }
    long now = clock.getAsLong();
    List<Integer> ready = new ArrayList<>(n);
    List<Integer> resting = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (failed[i] && failedUntil[i] - now > 0) {
        resting.add(i);
      } else {
        ready.add(i);
      }
    }
    resting.sort(Comparator.comparingLong(i -> failedUntil[i] - now));
    ready.addAll(resting);
    List<ServerAddress> order = new ArrayList<>(n);
    ready.forEach(i -> order.add(servers.get(i)));
    return order;
  }

  /** The server could not be used: it is skipped for the back-off period. */
  synchronized void failed(ServerAddress server) {
    int i = servers.indexOf(server);
    failed[i] = true;
    failedUntil[i] = clock.getAsLong() + backoffNanos;
  }

  /** The server took a connection: it is no longer skipped. */
  synchronized void succeeded(ServerAddress server) {
    int i = servers.indexOf(server);
    failed[i] = false;
    failedUntil[i] = 0;
  }

  /** Whether the server is being skipped now. */
  synchronized boolean backingOff(ServerAddress server) {
    int i = servers.indexOf(server);
    return failed[i] && failedUntil[i] - clock.getAsLong() > 0;
  }
}
