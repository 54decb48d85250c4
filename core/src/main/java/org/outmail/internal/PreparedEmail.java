package org.outmail.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.outmail.BlockReason;
import org.outmail.Email;
import org.outmail.OutgoingMailer;

/**
 * What {@link Access#prepare} found: the email passed every step that can fail on
 * bad input, and would be sent with this Message-ID, subject and these recipients. Nothing was sent.
 *
 * @param mailboxId the mailbox that would send
 * @param messageId the Message-ID, with angle brackets
 * @param subject the subject as it would be sent, tag included
 * @param to To recipients after the filters
 * @param cc Cc recipients after the filters
 * @param bcc Bcc recipients after the filters
 * @param blockedRecipients recipients the mailbox's rules block, with the reason for each
 */
public record PreparedEmail(String mailboxId, String messageId, String subject, List<String> to, List<String> cc,
    List<String> bcc, Map<String, BlockReason> blockedRecipients) {
  /**
   * Creates what {@link Access#prepare} found; the lists and the map are copied.
   *
   * @param mailboxId the mailbox that would send
   * @param messageId the Message-ID, with angle brackets
   * @param subject the subject as it would be sent
   * @param to To recipients after the filters
   * @param cc Cc recipients after the filters
   * @param bcc Bcc recipients after the filters
   * @param blockedRecipients recipients the mailbox's rules block
   */
  public PreparedEmail {
    Objects.requireNonNull(mailboxId, "mailboxId == null");
    Objects.requireNonNull(messageId, "messageId == null");
    Objects.requireNonNull(subject, "subject == null");
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    blockedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(blockedRecipients));
  }

  /** {@return every recipient the mail would go to: To, Cc, then Bcc} */
  public List<String> recipients() {
    List<String> all = new ArrayList<>(to.size() + cc.size() + bcc.size());
    all.addAll(to);
    all.addAll(cc);
    all.addAll(bcc);
    return Collections.unmodifiableList(all);
  }
}
