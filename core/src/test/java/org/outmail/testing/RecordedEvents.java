package org.outmail.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.outmail.MailEvent;
import org.outmail.SendEvent;
import org.outmail.SendListener;

/**
 * A listener for tests that keeps every event it hears, in the order heard: a send's, a registry's
 * and an outbox's (core's test-jar, for the outbox's and the starter's tests too).
 */
public final class RecordedEvents implements SendListener {
  public final List<MailEvent> heard = new CopyOnWriteArrayList<>();

  /** The kinds heard, in order: {@code AttemptStarting}, {@code SendEvent}, {@code Queued}, ... */
  public List<String> kinds() {
    return heard.stream().map(e -> e.getClass().getSimpleName()).toList();
  }

  @Override
  public void attemptStarting(MailEvent.AttemptStarting event) {
    heard.add(event);
  }

  @Override
  public void retrying(MailEvent.Retrying event) {
    heard.add(event);
  }

  @Override
  public void sendFinished(SendEvent event) {
    heard.add(event);
  }

  @Override
  public void serverSwitched(MailEvent.ServerSwitched event) {
    heard.add(event);
  }

  @Override
  public void queued(MailEvent.Queued event) {
    heard.add(event);
  }

  @Override
  public void deliveryRecorded(MailEvent.Delivery event) {
    heard.add(event);
  }
}
