package org.outmail.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.outmail.ServerAddress;
import org.outmail.spi.TransportContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a new connection on one of the mailbox's servers, in the order {@link Servers} gives: a
 * server that fails before any mail could be handed to it (refused, timed out, lost, TLS failed,
 * no STARTTLS, a greeting or EHLO other than 2xx, a {@code 4xx} or a lost connection at AUTH) is
 * skipped for the back-off period and the next one is tried; each such move is counted, logged
 * and told to the registry's listeners. A permanent refusal of the credentials ({@code 5xx} at
 * AUTH) and a token that cannot be had end the attempt at once: the same credentials go to every
 * server. With one server, the connection is opened exactly as it always was.
 */
final class ServerOpener {
  private static final Logger LOG = LoggerFactory.getLogger(ServerOpener.class);

  private final String mailboxId;
  private final Map<ServerAddress, Connector> connectors = new LinkedHashMap<>();
  private final Servers servers;
  private final TransportContext context;
  private final Function<ServerAddress, SmtpFailures> failures;
  private final AtomicLong switches = new AtomicLong();

  ServerOpener(String mailboxId, List<Connector> connectors, Servers servers, TransportContext context,
      Function<ServerAddress, SmtpFailures> failures) {
    this.mailboxId = mailboxId;
    connectors.forEach(c -> this.connectors.put(c.server(), c));
    this.servers = servers;
    this.context = context;
    this.failures = failures;
  }

  /**
   * A new, authenticated connection.
   *
   * @throws OpenFailure with one server, or when a server refused the credentials for good
   * @throws ServersFailed when every one of several servers failed
   * @throws org.outmail.oauth.OAuthException if no token can be had
   */
  SmtpConnection open() throws OpenFailure, ServersFailed {
    if (connectors.size() == 1) {
      return connectors.values().iterator().next().open();
    }
    List<ServerAddress> order = servers.order();
    List<OpenFailure> failed = new ArrayList<>();
    for (int k = 0; k < order.size(); k++) {
      ServerAddress server = order.get(k);
      try {
        SmtpConnection c = Objects.requireNonNull(connectors.get(server), "a server of the mailbox").open();
        servers.succeeded(server);
        return c;
      } catch (OpenFailure e) {
        if (!movesOn(e)) {
          throw e;
        }
        servers.failed(server);
        failed.add(e);
        if (k + 1 < order.size()) {
          switched(server, order.get(k + 1), e);
        }
      }
    }
    throw new ServersFailed(failed);
  }

  private void switched(ServerAddress from, ServerAddress to, OpenFailure e) {
    String reason = failures.apply(from).connectFailure(e).message();
    long n = switches.incrementAndGet();
    LOG.warn(
        "mailbox '{}': server {} could not be used ({}); trying {} (switch-over {}); {} is skipped for the back-off period",
        mailboxId, from, reason, to, n, from);
    context.serverSwitched(from.toString(), to.toString(), reason);
  }

  /**
   * Whether a failure to open a connection lets the next server be tried: anything before any mail
   * was handed over, except a permanent refusal of the credentials (every server gets the same).
   */
  static boolean movesOn(OpenFailure e) {
    if (e.step() != OpenFailure.Step.AUTH) {
      return true;
    }
    Reply r = e.reply();
    if (r != null && r.code() < 0) {
      return true; // the connection closed during AUTH: the credentials were not refused
    }
    if (r != null) {
      return (r.code() >= 400 && r.code() < 500) || r.code() == 421;
    }
    return e.getCause() instanceof IOException;
  }

  /** How many times a connection moved on from one server to the next. */
  long switches() {
    return switches.get();
  }

  Servers servers() {
    return servers;
  }

  /** The connector of each server, in the order given. */
  List<Connector> connectors() {
    return List.copyOf(connectors.values());
  }
}
