package org.outmail.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.outmail.Email;
import org.outmail.MailEvent;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.RecipientsBlockedException;
import org.outmail.SendEvent;
import org.outmail.SendListener;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;
import org.outmail.oauth.TokenStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a send's own {@link SendListener} and the registry's of each send of one mailbox: its
 * attempts and waits as they happen, and how it ended. A listener that throws is logged; the send
 * goes on and its result or exception is the one it would have been without listeners.
 */
public final class SendEvents {
  private static final Logger LOG = LoggerFactory.getLogger(SendEvents.class);

  private final Mailbox mailbox;
  private final List<SendListener> listeners;

  public SendEvents(Mailbox mailbox, List<SendListener> listeners) {
    this.mailbox = mailbox;
    this.listeners = List.copyOf(listeners);
  }

  /** Runs the send's steps, telling {@code listener} and the registry's listeners of it. */
  public SendResult send(Email email, SendListener listener, BiFunction<Email, Retrier.Attempts, SendResult> steps) {
    if (listeners.isEmpty() && listener == SendListener.NONE) {
      return steps.apply(email, Retrier.Attempts.NONE);
    }
    long start = System.nanoTime();
    Attempts attempts = new Attempts(listener);
    SendResult result;
    try {
      result = steps.apply(email, attempts);
    } catch (RecipientsBlockedException e) {
      finished(listener, Access.get().sendEvent(mailbox, Optional.empty(), SendEvent.Outcome.BLOCKED, since(start),
          e.blockedRecipients(), 0, null, e, null));
      throw e;
    } catch (RuntimeException e) {
      SendEvent.Outcome outcome = e instanceof TransportException t && t.isOutcomeUnknown()
          ? SendEvent.Outcome.UNKNOWN : SendEvent.Outcome.FAILED;
      finished(listener, Access.get().sendEvent(mailbox, attempts.messageId, outcome, since(start),
          Map.of(), attempts.count, null, e, stageOf(e, attempts.count)));
      throw e;
    }
    finished(listener, Access.get().sendEvent(mailbox, Optional.of(result.messageId()), SendEvent.Outcome.SENT,
        since(start), result.blockedRecipients(), result.attempts(), result, null, null));
    return result;
  }

  /** Tells the registry's listeners that the mailbox's transport moved from one server to another. */
  public void serverSwitched(String from, String to, String reason) {
    MailEvent.ServerSwitched event = new MailEvent.ServerSwitched(mailbox, from, to, reason);
    for (SendListener l : listeners) {
      tell(l, () -> l.serverSwitched(event));
    }
  }

  /**
   * The stage a failed send names: the transport's own, {@code TOKEN} when no access token could be
   * had during an attempt, {@code OTHER} for anything else thrown during one (a transport breaking
   * its contract), none when the send failed before its first attempt.
   */
  static TransportException.@Nullable Stage stageOf(RuntimeException failure, int attempts) {
    if (failure instanceof TransportException t) {
      return t.stage();
    }
    if (attempts == 0) {
      return null;
    }
    return failure instanceof OAuthException || failure instanceof TokenStoreException
        ? TransportException.Stage.TOKEN : TransportException.Stage.OTHER;
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private void finished(SendListener caller, SendEvent event) {
    tellAll(caller, l -> l.sendFinished(event));
  }

  /** Tells the send's own listener, then the registry's, each isolated from the others' failures. */
  private void tellAll(SendListener caller, Consumer<SendListener> call) {
    callerSays(() -> call.accept(caller));
    for (SendListener l : listeners) {
      tell(l, () -> call.accept(l));
    }
  }

  private void tell(SendListener listener, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("mailbox '{}': mail listener {} threw {}; the send goes on", mailbox.id(), listener, e.toString());
    }
  }

  /** Calls the send's own listener as the retry step would: what it throws is logged. */
  private void callerSays(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("mailbox '{}': a send listener threw {}; the send goes on", mailbox.id(), e.toString());
    }
  }

  /** The caller's listener and the registry's, each isolated; counts the attempts. */
  private final class Attempts implements Retrier.Attempts {
    private final SendListener caller;
    private int count;
    private Optional<String> messageId = Optional.empty(); // known from the first attempt on

    Attempts(SendListener caller) {
      this.caller = caller;
    }

    @Override
    public void attemptStarting(String messageId, int attempt, int maxAttempts) {
      count = attempt;
      this.messageId = Optional.of(messageId);
      MailEvent.AttemptStarting event = new MailEvent.AttemptStarting(mailbox, messageId, attempt, maxAttempts);
      tellAll(caller, l -> l.attemptStarting(event));
    }

    @Override
    public void retrying(int attempt, int maxAttempts, MailException failure, Duration wait,
        Map<String, String> deferred) {
      MailEvent.Retrying event = new MailEvent.Retrying(mailbox, messageId.orElseThrow(), attempt, maxAttempts, failure,
          wait, deferred);
      tellAll(caller, l -> l.retrying(event));
    }
  }
}
