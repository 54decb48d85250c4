package org.outmail.internal;

import java.util.ArrayList;
import java.util.List;
import org.outmail.Email;
import org.outmail.HookFailure;
import org.outmail.Mailbox;
import org.outmail.PostSendHook;
import org.outmail.SendResult;
import org.outmail.SentEmail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step: runs the mailbox's post-send hooks in order, each isolated. A hook that throws is
 * logged and reported; the mail stays sent and the next hook still runs. A hook that throws {@link
 * InterruptedException} is reported the same way, and the thread's interrupt flag is set again so
 * that whoever runs the send (a caller, the registry's executor being closed) still sees it.
 */
public final class HookRunner {
  private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

  private final List<PostSendHook> hooks;

  public HookRunner(List<PostSendHook> hooks) {
    this.hooks = List.copyOf(hooks);
  }

  public SendResult run(Mailbox mailbox, Email email, SendResult result) {
    if (hooks.isEmpty()) {
      return result;
    }
    SentEmail sent = new SentEmail(mailbox, email, result);
    List<HookFailure> failures = new ArrayList<>();
    for (PostSendHook hook : hooks) {
      try {
        hook.afterSend(sent);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        String message = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        LOG.warn("mailbox '{}': post-send hook '{}' failed for message {}: {}",
            mailbox.id(), hook.name(), result.messageId(), message);
        failures.add(new HookFailure(hook.name(), message, e));
      }
    }
    return failures.isEmpty() ? result : Access.get().withHookFailures(result, failures);
  }
}
