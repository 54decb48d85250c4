package org.outmail.internal;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxType;
import org.outmail.OutgoingMailer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a registry serves: one immutable snapshot of the mailboxes, a mailer per OUT mailbox and the
 * default, swapped whole ({@link #install}). A mailer the next snapshot no longer has is retired: it
 * lets its sends in flight finish, hands later sends to the mailer of its mailbox in the snapshot
 * served then, and closes its transport when the last send is out.
 */
public final class Mailers {
  private static final Logger LOG = LoggerFactory.getLogger(Mailers.class);

  private final AsyncSends async;
  private final Set<OutgoingMailer> retired = ConcurrentHashMap.newKeySet();
  private volatile RegistrySnapshot current;

  Mailers(RegistrySnapshot first, AsyncSends async) {
    this.current = first;
    this.async = async;
  }

  /** {@return the snapshot served now} */
  public RegistrySnapshot current() {
    return current;
  }

  public List<Mailbox> mailboxes() {
    return current.mailboxes;
  }

  public long version() {
    return current.version;
  }

  public Mailbox mailbox(String id) {
    Objects.requireNonNull(id, "id == null");
    RegistrySnapshot now = current;
    Mailbox m = now.byId.get(id);
    if (m == null) {
      throw new MailboxConfigException(id, "id", "no mailbox with id '" + id + "'; known ids: " + now.byId.keySet());
    }
    return m;
  }

  public OutgoingMailer defaultOutgoing() {
    RegistrySnapshot now = current;
    if (now.defaultId == null) {
      throw new MailboxConfigException(null, "default-outgoing",
          "no mailbox is the default outgoing mailbox; mailboxes: " + now.byId.keySet());
    }
    // the snapshot has a mailer for each OUT mailbox, and the default is one (Rules.snapshot)
    return Objects.requireNonNull(now.mailers.get(now.defaultId), "no mailer for the default mailbox");
  }

  public OutgoingMailer outgoing(String id) {
    Objects.requireNonNull(id, "id == null");
    RegistrySnapshot now = current;
    Mailbox m = now.byId.get(id);
    if (m == null) {
      throw new MailboxConfigException(id, "id", "no mailbox with id '" + id + "'; known ids: " + now.byId.keySet());
    }
    if (m.type() != MailboxType.OUT) {
      throw new MailboxConfigException(id, "type", Access.get().mailboxLabel(id) + " is an IN mailbox and cannot send");
    }
    return Objects.requireNonNull(now.mailers.get(id), "no mailer for an OUT mailbox");
  }

  public OutgoingMailer forRecord(@Nullable String mailboxIdOrNull) {
    if (mailboxIdOrNull == null || mailboxIdOrNull.isBlank()) {
      return defaultOutgoing();
    }
    return outgoing(mailboxIdOrNull.strip());
  }

  /** Serves the next snapshot; retires the mailers it no longer has (they drain, then close). */
  void install(RegistrySnapshot next) {
    RegistrySnapshot before = current;
    current = next;
    retired.removeIf(Access.get()::drained);
    before.mailers.forEach((id, mailer) -> {
      if (next.mailers.get(id) != mailer) {
        retired.add(mailer);
        Access.get().retire(mailer, () -> outgoing(id));
      }
    });
    LOG.debug("mailboxes now at version {}: {}", next.version, next.byId.keySet());
  }

  /** Stops the asynchronous sends and closes every mailer, retired ones too. */
  public void close() {
    async.close();
    current.mailers.values().forEach(Access.get()::close);
    retired.forEach(Access.get()::close);
    retired.clear();
  }
}
