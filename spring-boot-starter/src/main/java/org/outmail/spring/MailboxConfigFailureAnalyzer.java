package org.outmail.spring;

import org.outmail.MailboxConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start-up that failed on outmail's configuration into Spring Boot's "APPLICATION FAILED TO
 * START" report with outmail's message, which names the key, instead of a bean creation stack.
 */
final class MailboxConfigFailureAnalyzer extends AbstractFailureAnalyzer<MailboxConfigException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MailboxConfigException cause) {
    return new FailureAnalysis("outmail's configuration is invalid: " + cause.getMessage() + key(cause),
        "Fix the outmail.* key named above in application.properties or application.yml (or wherever the "
            + "application's properties come from). The keys are those of outmail's mailboxes.properties; "
            + "see the outmail-spring-boot-starter README.",
        cause);
  }

  /**
   * The full key, when the message names a field of a mailbox only ({@code smtp.max-connections},
   * checked when the registry is built): {@code " (key outmail.mailbox.support.smtp.max-connections)"}.
   */
  static String key(MailboxConfigException e) {
    String field = e.field();
    if (e.mailboxId() == null || field == null || field.startsWith(StarterSettings.PREFIX) || field.contains("*")) {
      return "";
    }
    return " (key " + StarterSettings.PREFIX + "mailbox." + e.mailboxId() + "." + field + ")";
  }
}
