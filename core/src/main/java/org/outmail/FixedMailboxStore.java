package org.outmail;

import java.util.List;
import java.util.Objects;

/** A read-only store: the mailboxes of a properties file, read once. */
final class FixedMailboxStore implements MailboxStore {
  private final Contents contents;
  private final String description;

  FixedMailboxStore(List<Mailbox> mailboxes, String description) {
    this.contents = new Contents(0, mailboxes);
    this.description = description;
  }

  @Override
  public Contents contents() {
    return contents;
  }

  @Override
  public long version() {
    return 0;
  }

  @Override
  public long save(Mailbox mailbox, long expectedVersion) {
    throw readOnlyError(Objects.requireNonNull(mailbox, "mailbox == null").id());
  }

  @Override
  public long saveAll(List<Mailbox> mailboxes, long expectedVersion) {
    throw readOnlyError(InMemoryMailboxStore.checkedForSaveAll(mailboxes).get(0).id());
  }

  @Override
  public long delete(String id, long expectedVersion) {
    throw readOnlyError(Objects.requireNonNull(id, "id == null"));
  }

  private MailboxStoreException readOnlyError(String id) {
    return new MailboxStoreException(id, MailException.mailboxPrefix(id) + "not changed: the mailboxes come from "
        + description + ", which is read-only; edit the file and restart, or use a store that can be written", null);
  }

  @Override
  public Subscription onChange(Runnable listener) {
    Objects.requireNonNull(listener, "listener == null");
    return () -> {};
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public String toString() {
    return "MailboxStore{" + description + "}";
  }
}
