package org.outmail;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.outmail.internal.ConfigLoader;

/**
 * Where a registry's mailboxes live when they change while the host runs: a properties file
 * (read-only), memory, or a database ({@code outmail-store-jdbc}). A registry built with {@link
 * MailboxRegistry.Builder#store} follows its store: a mailbox saved or deleted takes effect for the
 * next send.
 *
 * <p>An SPI: implement it to keep mailboxes elsewhere. Every change moves the store's {@link
 * #version()} forward; a change made with an expected version is refused with a {@link
 * MailboxStoreException} whose {@link MailboxStoreException#isConflict()} is true when another
 * change came first, so that a registry can check a change against its rules and write it, or
 * write nothing. The store itself checks no rule across mailboxes: change mailboxes through {@link
 * MailboxRegistry#save} and {@link MailboxRegistry#delete}, which do.
 *
 * <p>Implementations are safe for concurrent use; listeners are told of each change made through
 * the store and, for a shared store, of changes other processes made (a database store polls).
 */
public interface MailboxStore extends AutoCloseable {
  /** The expected version that accepts any: the change is made whatever came before. */
  long ANY_VERSION = -1;

  /**
   * The store's mailboxes and the version they belong to, read together.
   *
   * @param version the store's version when the mailboxes were read
   * @param mailboxes the mailboxes, in the order of the grid
   */
  record Contents(long version, List<Mailbox> mailboxes) {
    /**
     * Copies the list.
     *
     * @param version the store's version when the mailboxes were read
     * @param mailboxes the mailboxes, in the order of the grid
     */
    public Contents {
      mailboxes = List.copyOf(mailboxes);
    }
  }

  /** A listener's registration; closing it stops the notices. */
  interface Subscription extends AutoCloseable {
    /** Stops the notices; closing again does nothing. */
    @Override
    void close();
  }

  /**
   * Reads every mailbox and the version they belong to, consistently.
   *
   * @return the contents
   * @throws MailboxStoreException if the store cannot be read, or a secret cannot be decrypted
   */
  Contents contents();

  /**
   * {@return every mailbox, in the order of the grid}
   *
   * @throws MailboxStoreException if the store cannot be read
   */
  default List<Mailbox> list() {
    return contents().mailboxes();
  }

  /**
   * Finds a mailbox by its id.
   *
   * @param id the mailbox id
   * @return the mailbox, or empty
   * @throws MailboxStoreException if the store cannot be read
   */
  default Optional<Mailbox> get(String id) {
    Objects.requireNonNull(id, "id == null");
    return list().stream().filter(m -> m.id().equals(id)).findFirst();
  }

  /**
   * The version of the contents: it moves forward with every change. Cheap enough to poll.
   *
   * @return the version
   * @throws MailboxStoreException if the store cannot be read
   */
  long version();

  /**
   * Adds the mailbox, or replaces the one with its id (which keeps its place in the grid).
   *
   * @param mailbox the mailbox
   * @param expectedVersion the version the change was checked against, or {@link #ANY_VERSION}
   * @return the store's version after the change
   * @throws MailboxStoreException if the store is read-only, cannot be written, or (with {@code
   *     isConflict()}) its version is no longer {@code expectedVersion}; nothing is changed then
   */
  long save(Mailbox mailbox, long expectedVersion);

  /**
   * Adds or replaces several mailboxes in one change: readers see all of them saved or none, and
   * the version moves forward once. This is how one mailbox takes the default-outgoing mark from
   * another without a moment with no default or two, and how an OAuth client shared by several
   * mailboxes changes in all of them together.
   *
   * <p>The default saves a single mailbox through {@link #save} and refuses several: a store that
   * cannot change several rows together must not pretend to.
   *
   * @param mailboxes the mailboxes, each id at most once
   * @param expectedVersion the version the change was checked against, or {@link #ANY_VERSION}
   * @return the store's version after the change
   * @throws MailboxStoreException as {@link #save} does, or if this store cannot save several
   *     mailboxes in one change; nothing is changed then
   * @throws IllegalArgumentException if the list is empty or names an id twice
   */
  default long saveAll(List<Mailbox> mailboxes, long expectedVersion) {
    List<Mailbox> list = InMemoryMailboxStore.checkedForSaveAll(mailboxes);
    if (list.size() == 1) {
      return save(list.get(0), expectedVersion);
    }
    throw new MailboxStoreException(null, "not saved: the mailbox store " + this + " cannot save several mailboxes "
        + "in one change (" + list.stream().map(Mailbox::id).toList() + ")", null);
  }

  /**
   * Removes the mailbox with the id; an unknown id changes nothing but the version.
   *
   * @param id the mailbox id
   * @param expectedVersion the version the change was checked against, or {@link #ANY_VERSION}
   * @return the store's version after the change
   * @throws MailboxStoreException as {@link #save} does
   */
  long delete(String id, long expectedVersion);

  /**
   * Tells the listener of every change from now on, made here or (for a shared store) elsewhere.
   * The listener runs on the thread that made the change or on the store's polling thread; it
   * should return quickly and reads the store for what changed.
   *
   * @param listener called after each change
   * @return the registration, to stop the notices
   */
  Subscription onChange(Runnable listener);

  /** {@return whether {@link #save} and {@link #delete} are refused} */
  default boolean readOnly() {
    return false;
  }

  /** Releases what the store holds (a polling thread, connections); the store is not usable after. */
  @Override
  default void close() {}

  /**
   * A store in memory, empty.
   *
   * @return the store
   */
  static MailboxStore inMemory() {
    return new InMemoryMailboxStore(List.of());
  }

  /**
   * A store in memory holding these mailboxes, in this order.
   *
   * @param mailboxes the first contents
   * @return the store
   * @throws MailboxConfigException if two mailboxes have the same id
   */
  static MailboxStore inMemory(Collection<Mailbox> mailboxes) {
    return new InMemoryMailboxStore(mailboxes);
  }

  /**
   * A read-only store over a properties file, read once, now (the format of {@link
   * MailboxRegistry#load(Path)}); its token store, if it names one, is not used.
   *
   * @param propertiesFile the file
   * @return the store
   * @throws MailboxConfigException naming the key that is wrong
   */
  static MailboxStore propertiesFile(Path propertiesFile) {
    Objects.requireNonNull(propertiesFile, "propertiesFile == null");
    return new FixedMailboxStore(ConfigLoader.fromFile(propertiesFile).mailboxes(),
        "the properties file " + propertiesFile);
  }
}
