package org.outmail.examples.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.outmail.PostSendHook;
import org.outmail.SentEmail;
import org.springframework.stereotype.Component;

/**
 * A post-send hook as a bean: the starter gives it to the registry, and the mailboxes whose {@code
 * post-send-hooks} name {@code audit} run it after each send. Here it keeps the subjects sent; a
 * real one would write to the ticket's history.
 */
@Component
public class AuditHook implements PostSendHook {
  private final List<String> subjects = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public void afterSend(SentEmail sent) {
    subjects.add(sent.mailbox().id() + ": " + sent.result().subject());
  }

  /** {@return the mailbox and subject of each mail sent, in order} */
  public List<String> subjects() {
    return List.copyOf(subjects);
  }
}
