package org.outmail.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxStore;
import org.outmail.MailboxStoreException;
import org.outmail.MailboxType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a registry follows its {@link MailboxStore} and edits it: a change (the store's own, or one
 * saved through the registry) is checked against the rules with the store's mailboxes as they are,
 * written only if they hold, and then served whole by the {@link Mailers}. Without a store, the
 * mailboxes are fixed and every change is refused.
 */
public final class StoreFollower {
  private static final Logger LOG = LoggerFactory.getLogger(StoreFollower.class);
  /** Attempts of a change whose store moved on meanwhile. */
  private static final int CHANGE_ATTEMPTS = 3;

  private final Rules rules;
  private final @Nullable MailboxStore store;
  private final Mailers mailers;
  private final Object changes = new Object();
  private volatile MailboxStore.@Nullable Subscription subscription;
  private volatile boolean closed;
  /** The store version whose contents this registry refused, so it is reported once. */
  private long refusedVersion = Long.MIN_VALUE;

  StoreFollower(Rules rules, @Nullable MailboxStore store, Mailers mailers) {
    this.rules = rules;
    this.store = store;
    this.mailers = mailers;
  }

  /** Starts following the store's changes, if there is a store. */
  void follow() {
    if (store != null) {
      subscription = store.onChange(this::refreshQuietly);
      refreshQuietly(); // a change between the first read and the subscription
    }
  }

  public @Nullable MailboxStore store() {
    return store;
  }

  public Map<String, String> validate(Mailbox candidate) {
    Objects.requireNonNull(candidate, "candidate == null");
    Map<String, String> errors = new LinkedHashMap<>();
    if (candidate.type() == MailboxType.OUT) {
      errors.putAll(rules.settingErrors(candidate));
    }
    if (errors.isEmpty()) {
      try {
        rules.snapshot(0, replaced(mailers.current().mailboxes, candidate), null);
      } catch (MailboxConfigException e) {
        errors.put(e.field() == null ? "" : e.field(), e.problem());
      }
    }
    return errors;
  }

  public void save(Mailbox mailbox) {
    Objects.requireNonNull(mailbox, "mailbox == null");
    MailboxStore s = writableStore(mailbox.id());
    change(mailbox.id(), list -> replaced(list, mailbox), v -> s.save(mailbox, v));
  }

  public void saveAll(List<Mailbox> mailboxes) {
    List<Mailbox> list = Access.get().checkedForSaveAll(mailboxes);
    String id = list.get(0).id();
    MailboxStore s = writableStore(id);
    change(id, current -> {
      List<Mailbox> out = current;
      for (Mailbox m : list) {
        out = replaced(out, m);
      }
      return out;
    }, v -> s.saveAll(list, v));
  }

  public void delete(String id) {
    Objects.requireNonNull(id, "id == null");
    MailboxStore s = writableStore(id);
    change(id, list -> {
      if (list.stream().noneMatch(m -> m.id().equals(id))) {
        throw new MailboxConfigException(id, "id", "no mailbox with id '" + id + "'; known ids: "
            + list.stream().map(Mailbox::id).toList());
      }
      return list.stream().filter(m -> !m.id().equals(id)).toList();
    }, v -> s.delete(id, v));
  }

  public void refresh() {
    if (store == null) {
      return;
    }
    synchronized (changes) {
      if (closed) {
        return;
      }
      MailboxStore.Contents c = store.contents();
      RegistrySnapshot current = mailers.current();
      if (c.version() == current.version) {
        return;
      }
      RegistrySnapshot next;
      try {
        next = rules.snapshot(c.version(), c.mailboxes(), current);
      } catch (MailboxConfigException e) {
        if (refusedVersion != c.version()) {
          refusedVersion = c.version();
          LOG.error("the mailboxes of {} at version {} break a rule; keeping version {}: {}",
              store, c.version(), current.version, e.getMessage());
        }
        throw e;
      }
      mailers.install(next);
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (MailboxConfigException e) {
      // logged once by refresh
    } catch (MailException e) {
      LOG.warn("could not read the mailboxes of {}; keeping version {}: {}", store, mailers.version(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("could not read the mailboxes of {}; keeping version {}", store, mailers.version(), e);
    }
  }

  /** Stops following the store; a change after this is refused. */
  public void close() {
    MailboxStore.Subscription s;
    synchronized (changes) {
      closed = true;
      s = subscription;
    }
    if (s != null) {
      s.close();
    }
  }

  private MailboxStore writableStore(String id) {
    if (store == null) {
      throw new MailboxStoreException(id, MailException.mailboxPrefix(id) + "not changed: this registry's mailboxes "
          + "were given to its builder and are fixed; build it with a MailboxStore to change them while it runs", null);
    }
    return store;
  }

  /** Checks the change against the store's mailboxes as they are, writes it if they keep the rules, applies it. */
  private void change(String id, UnaryOperator<List<Mailbox>> edit, LongUnaryOperator write) {
    synchronized (changes) {
      if (closed) {
        throw new MailboxStoreException(id, MailException.mailboxPrefix(id) + "not changed: the registry is closed",
            null);
      }
      for (int attempt = 1;; attempt++) {
        MailboxStore.Contents c = writableStore(id).contents();
        RegistrySnapshot next = rules.snapshot(c.version(), edit.apply(c.mailboxes()), mailers.current());
        long version;
        try {
          version = write.applyAsLong(c.version());
        } catch (MailboxStoreException e) {
          if (e.isConflict() && attempt < CHANGE_ATTEMPTS) {
            continue;
          }
          throw e;
        }
        mailers.install(next.withVersion(version));
        return;
      }
    }
  }

  private static List<Mailbox> replaced(List<Mailbox> list, Mailbox mailbox) {
    List<Mailbox> out = new ArrayList<>(list);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).id().equals(mailbox.id())) {
        out.set(i, mailbox);
        return out;
      }
    }
    out.add(mailbox);
    return out;
  }
}
