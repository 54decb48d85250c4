package org.outmail.internal;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.AllowedEmails;
import org.outmail.BlockReason;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.RecipientDirectory;
import org.outmail.RecipientsBlockedException;

/**
 * The recipient step of the pipeline: de-duplicates To, Cc and Bcc (an address appears once, in
 * the first list that names it), then blocks addresses that match the exclude expression or, for a
 * registered-only mailbox, that the host's directory does not know. Addresses arrive normalised
 * from {@link Email}.
 */
public final class RecipientFilter {
  private final String mailboxId;
  private final @Nullable Pattern exclude;
  private final @Nullable RecipientDirectory directory;

  public RecipientFilter(Mailbox mailbox, @Nullable RecipientDirectory directory) {
    this.mailboxId = mailbox.id();
    this.exclude = Access.get().excludePattern(mailbox);
    this.directory = mailbox.allowedEmails() == AllowedEmails.REGISTERED_ONLY ? directory : null;
  }

  /** The recipients to send to and those blocked. */
  public record Recipients(List<String> to, List<String> cc, List<String> bcc, Map<String, BlockReason> blocked) {}

  /**
   * Normalises, de-duplicates and filters the email's recipients.
   *
   * @throws RecipientsBlockedException if no recipient is left
   */
  public Recipients apply(Email email) {
    Set<String> seen = new HashSet<>();
    Map<String, BlockReason> blocked = new LinkedHashMap<>();
    List<String> to = keep(email.to(), seen, blocked);
    List<String> cc = keep(email.cc(), seen, blocked);
    List<String> bcc = keep(email.bcc(), seen, blocked);
    if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
      throw new RecipientsBlockedException(mailboxId, blocked);
    }
    return new Recipients(to, cc, bcc, blocked);
  }

  private List<String> keep(List<String> addresses, Set<String> seen, Map<String, BlockReason> blocked) {
    List<String> kept = new ArrayList<>(addresses.size());
    for (String address : addresses) {
      if (!seen.add(address.toLowerCase(Locale.ROOT))) {
        continue;
      }
      BlockReason reason = reasonToBlock(address);
      if (reason == null) {
        kept.add(address);
      } else {
        blocked.put(address, reason);
      }
    }
    return kept;
  }

  private @Nullable BlockReason reasonToBlock(String address) {
    if (exclude != null && exclude.matches(address)) {
      return BlockReason.EXCLUDED;
    }
    if (directory != null && !directory.isRegistered(address)) {
      return BlockReason.NOT_REGISTERED;
    }
    return null;
  }
}
