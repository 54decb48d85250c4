package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.outmail.Attachment;
import org.outmail.CheckResult;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.ServerAddress;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.Tls;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code smtp} transport of one mailbox: one attempt per {@link #send}, on a pooled
 * connection. A pooled connection found dead before the message went out is replaced once, at no
 * cost to the caller's retries.
 */
final class SmtpTransport implements MailTransport {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpTransport.class);
  /** An idle connection is checked with NOOP before reuse once it has been idle this long. */
  static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(5);

  private final Mailbox mailbox;
  private final SmtpAuth auth;
  private final SSLContext tls;
  private final ScheduledThreadPoolExecutor scheduler;
  private final MimeBuilder mime;
  /** The mailbox's DKIM signing, or null. */
  private final @Nullable DkimSettings dkim;
  private final ConnectionPool pool;
  /** The failures of the first server: for what concerns no server in particular. */
  private final SmtpFailures failures;
  private final Map<ServerAddress, SmtpFailures> failuresByServer = new LinkedHashMap<>();
  private final ServerOpener opener;
  private final int maxRecipientsPerTransaction;
  /**
   * Messages whose last attempt failed transiently, with their encoded form, so the retry does not
   * build it again; weak, so a message never retried is not kept.
   */
  private final Map<OutgoingMessage, PreparedMail> retained = Collections.synchronizedMap(new WeakHashMap<>());
  private volatile boolean closed;

  SmtpTransport(Mailbox mailbox, TransportContext context) {
    this(mailbox, context, CHECK_AFTER_IDLE);
  }

  SmtpTransport(Mailbox mailbox, TransportContext context, Duration checkAfterIdle) {
    this.mailbox = mailbox;
    this.tls = Tls.context(mailbox);
    this.auth = new SmtpAuth(mailbox, context.accessTokens().withTls(tls));
    this.scheduler = scheduler(mailbox.id());
    this.dkim = SmtpOptions.dkim(mailbox).orElse(null);
    this.mime = new MimeBuilder(SmtpSessions.mime(),
        dkim == null ? null : new DkimSigner(dkim, java.time.Clock.systemUTC()));
    SmtpOptions options = SmtpOptions.of(mailbox);
    this.maxRecipientsPerTransaction = options.maxRecipientsPerTransaction();
    List<Connector> connectors = new ArrayList<>();
    for (ServerAddress server : mailbox.servers()) {
      failuresByServer.put(server, new SmtpFailures(mailbox, server));
      connectors.add(new Connector(mailbox, server, tls, auth, scheduler));
    }
    this.failures = failuresByServer.values().iterator().next();
    Servers servers = new Servers(mailbox.servers(), options.serversMode(), options.serversBackoff(), System::nanoTime);
    this.opener = new ServerOpener(mailbox.id(), connectors, servers, context, failuresByServer::get);
    this.pool = new ConnectionPool(opener, options, checkAfterIdle, scheduler);
  }

  @Override
  public TransportReceipt send(OutgoingMessage message) {
    if (closed) {
      throw failures.closed();
    }
    for (Attachment a : message.attachments()) {
      if (a.path().isPresent() && !Files.isReadable(a.path().get())) {
        throw failures.unreadableAttachment(a, null);
      }
    }
    PreparedMail prepared = retained.remove(message);
    if (prepared == null) {
      prepared = prepare(message);
    }
    try {
      return send(message, prepared);
    } catch (TransportException e) {
      if (e.isTransient()) {
        retained.put(message, prepared);
      }
      throw e;
    }
  }

  /** The prepared form of a message kept for its retry, if its last attempt failed transiently. */
  @Nullable
  PreparedMail retainedFor(OutgoingMessage message) {
    return retained.get(message);
  }

  private TransportReceipt send(OutgoingMessage message, PreparedMail prepared) {
    boolean share = SendLane.pipelinable(prepared);
    SendLane c = acquire(share, null);
    Transactions transactions = new Transactions(prepared.envelope(), maxRecipientsPerTransaction);
    boolean replaced = false;
    while (transactions.hasNext()) {
      Address[] batch = transactions.next();
      TxOutcome o;
      try {
        o = c.send(prepared.to(batch));
      } catch (RuntimeException e) {
        pool.discard(c);
        throw e;
      }
      if (o.tookContent()) {
        Reply end = Objects.requireNonNull(o.end(), "the content answered");
        transactions.took(batch, o.accepted(), o.refused(), SmtpText.oneLine(end.text()));
        continue;
      }
      if (o.everyRecipientRefused()) {
        transactions.refused(batch, o.refused()); // the transaction was reset: the connection goes on
        continue;
      }
      boolean writeTimedOut = c.connection().writeTimedOut();
      if (!replaced && transactions.started() == 1
          && (o.notWritten() || (o.unconfirmed() && SmtpFailures.connectionDead(o, writeTimedOut)))) {
        // nothing of it reached a live server: once more on another connection, at no cost to the retries
        LOG.debug("mailbox '{}': the connection failed before the message went out; opening a new one", mailbox.id());
        c = acquire(share, c);
        replaced = true;
        transactions.again(batch);
        continue;
      }
      TransportException failure = failuresAt(c).sendException(o, writeTimedOut);
      if (o.pipelined() && !c.broken()) {
        pool.release(c); // the server refused this transaction; the connection and its others go on
      } else {
        pool.discard(c);
      }
      if (!transactions.delivered()) {
        throw failure;
      }
      LOG.debug("mailbox '{}': transaction {} of {} failed after others delivered it: {}",
          mailbox.id(), transactions.started(), message.messageId(), failure.getMessage());
      transactions.failed(batch, failure);
      return receipt(transactions, c);
    }
    pool.release(c);
    if (!transactions.delivered()) {
      throw failuresAt(c).everyRecipientRefused(transactions.refusals(), null);
    }
    return receipt(transactions, c);
  }

  private SmtpFailures failuresAt(SendLane c) {
    return failuresAt(c.connection().server());
  }

  /** The failures of one of the mailbox's servers. */
  private SmtpFailures failuresAt(ServerAddress server) {
    return Objects.requireNonNull(failuresByServer.get(server), "a server of the mailbox");
  }

  /** What the transactions did, naming the server that took the mail. */
  private static TransportReceipt receipt(Transactions transactions, SendLane c) {
    return transactions.receipt().withServer(c.connection().serverText());
  }

  /** How many times a new connection moved on from one server to the next. */
  long serverSwitches() {
    return opener.switches();
  }

  /** How many connections are open to each server. */
  Map<ServerAddress, Integer> openByServer() {
    return pool.openByServer();
  }

  /**
   * A connection from the pool; in place of {@code dead} (discarded first) when given.
   *
   * @throws TransportException if none can be had
   */
  private SendLane acquire(boolean share, @Nullable SendLane dead) {
    try {
      if (dead != null) {
        return pool.replace(dead, share);
      }
      return pool.acquire(share);
    } catch (OpenFailure e) {
      ServerAddress server = e.server();
      throw (server == null ? failures : failuresAt(server)).connectException(e);
    } catch (ServersFailed e) {
      throw SmtpFailures.allServersFailed(e, failuresByServer::get);
    } catch (OAuthException e) {
      throw failures.connectException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TransportException
          .builder(mailbox.id(), "mailbox '" + mailbox.id() + "': interrupted while waiting for a connection")
          .stage(TransportException.Stage.CONNECT).transientFailure(true).cause(e).build();
    } catch (PoolClosed e) {
      throw failures.closed();
    }
  }

  private PreparedMail prepare(OutgoingMessage m) {
    try {
      return mime.build(m);
    } catch (MessagingException e) {
      throw TransportException.builder(mailbox.id(), "mailbox '" + mailbox.id() + "': cannot build the MIME message: "
          + SmtpText.oneLine(e.getMessage())).stage(TransportException.Stage.CONTENT).cause(e).build();
    }
  }

  @Override
  public CheckResult check() {
    if (closed) {
      return CheckResult.failed(TransportException.Stage.CLOSED,
          "mailbox '" + mailbox.id() + "': the transport is closed", Duration.ZERO);
    }
    CheckResult result = new SmtpCheck(mailbox, auth, opener.connectors(), failuresByServer::get).run();
    if (dkim == null) {
      return result;
    }
    String note = "; signs with DKIM as d=" + dkim.domain() + ", s=" + dkim.selector() + " (" + dkim.algorithm().tag
        + (dkim.algorithm() == DkimAlgorithm.RSA_SHA256 ? ", " + dkim.key().bits() + "-bit key" : "") + ")";
    return result.ok() ? CheckResult.passed(result.message() + note, result.elapsed())
        : CheckResult.failed(result.stage().orElse(TransportException.Stage.OTHER), result.message() + note,
            result.elapsed());
  }

  @Override
  public void close() {
    closed = true;
    pool.close();
  }

  private static ScheduledThreadPoolExecutor scheduler(String mailboxId) {
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "outmail-smtp-" + mailboxId + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    return s;
  }
}
