package org.outmail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link MailboxStore#inMemory()}: mailboxes in a map, listeners told on the thread that changed it. */
final class InMemoryMailboxStore implements MailboxStore {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryMailboxStore.class);

  private final Map<String, Mailbox> mailboxes = new LinkedHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private long version;

  InMemoryMailboxStore(Collection<Mailbox> initial) {
    Objects.requireNonNull(initial, "mailboxes == null");
    for (Mailbox m : initial) {
      if (mailboxes.putIfAbsent(Objects.requireNonNull(m, "mailbox == null").id(), m) != null) {
        throw new MailboxConfigException(m.id(), "id", "two mailboxes have the id '" + m.id() + "'");
      }
    }
  }

  @Override
  public synchronized Contents contents() {
    return new Contents(version, new ArrayList<>(mailboxes.values()));
  }

  @Override
  public synchronized long version() {
    return version;
  }

  @Override
  public long save(Mailbox mailbox, long expectedVersion) {
    Objects.requireNonNull(mailbox, "mailbox == null");
    long v;
    synchronized (this) {
      check(mailbox.id(), expectedVersion);
      mailboxes.put(mailbox.id(), mailbox);
      v = ++version;
    }
    notifyListeners();
    return v;
  }

  @Override
  public long saveAll(List<Mailbox> list, long expectedVersion) {
    List<Mailbox> checked = checkedForSaveAll(list);
    long v;
    synchronized (this) {
      check(checked.get(0).id(), expectedVersion);
      checked.forEach(m -> mailboxes.put(m.id(), m));
      v = ++version;
    }
    notifyListeners();
    return v;
  }

  @Override
  public long delete(String id, long expectedVersion) {
    Objects.requireNonNull(id, "id == null");
    long v;
    synchronized (this) {
      check(id, expectedVersion);
      mailboxes.remove(id);
      v = ++version;
    }
    notifyListeners();
    return v;
  }

  private void check(String id, long expectedVersion) {
    if (expectedVersion != ANY_VERSION && expectedVersion != version) {
      throw MailboxStoreException.conflict(id, expectedVersion, version);
    }
  }

  @Override
  public Subscription onChange(Runnable listener) {
    Objects.requireNonNull(listener, "listener == null");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void notifyListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.warn("a mailbox store listener failed", e);
      }
    }
  }

  /**
   * Checks the argument of {@link MailboxStore#saveAll}: not empty, no id twice.
   *
   * @param mailboxes the mailboxes
   * @return an unmodifiable copy
   * @throws IllegalArgumentException if the list is empty or names an id twice
   */
  static List<Mailbox> checkedForSaveAll(List<Mailbox> mailboxes) {
    List<Mailbox> list = List.copyOf(Objects.requireNonNull(mailboxes, "mailboxes == null"));
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no mailbox to save");
    }
    if (list.stream().map(Mailbox::id).distinct().count() != list.size()) {
      throw new IllegalArgumentException("a mailbox id is given twice: " + list.stream().map(Mailbox::id).toList());
    }
    return list;
  }

  @Override
  public String toString() {
    return "MailboxStore.inMemory()";
  }
}
