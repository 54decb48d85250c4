package org.outmail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.outmail.internal.ConfigLoader;
import org.outmail.internal.Mailers;
import org.outmail.internal.RegistryAssembly;
import org.outmail.internal.RegistrySnapshot;
import org.outmail.internal.StoreFollower;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.TransportProvider;

/**
 * The grid of configured mailboxes and the way to send through them: {@code
 * registry.defaultOutgoing().send(email)}.
 *
 * <p>Built with {@link #builder()} or loaded from a properties file with {@link #load(Path)}; every
 * rule is checked when it is built: unique ids, at most one default outgoing mailbox (an OUT one),
 * a transport on the classpath for every OUT mailbox's protocol, every named hook known. Close it
 * to close pooled connections and the async executor.
 *
 * <p>Built with a {@link MailboxStore} ({@link Builder#store}), the registry follows it: a mailbox
 * added, edited, disabled or deleted there takes effect for the next send, without a restart. Each
 * change is checked against the rules above and applied whole or refused whole ({@link #save},
 * {@link #delete}); the registry swaps the whole set of mailboxes and mailers at once. Sends in
 * flight finish on the settings they started with, and a replaced mailbox's transport is closed
 * once they are done; a mailer kept from before the change sends with the mailbox's new settings.
 */
public final class MailboxRegistry implements AutoCloseable {
  private final Mailers mailers;
  private final StoreFollower follower;
  private final TokenStore tokenStore;

  MailboxRegistry(Mailers mailers, StoreFollower follower, TokenStore tokenStore) {
    this.mailers = mailers;
    this.follower = follower;
    this.tokenStore = tokenStore;
  }

  /** {@return a builder for a registry with no mailbox yet} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads mailboxes and OAuth clients from a properties file (see the README for its keys), with
   * the hooks and transports found by {@link ServiceLoader}.
   *
   * @param propertiesFile the properties file, read as UTF-8
   * @return the registry, checked as {@link Builder#build()} checks it
   * @throws MailboxConfigException naming the key that is wrong, or naming the file when it is not
   *     found, not a regular file or cannot be read
   */
  public static MailboxRegistry load(Path propertiesFile) {
    return builder().load(propertiesFile).build();
  }

  /**
   * Like {@link #load(Path)}, from properties already read.
   *
   * @param properties the mailbox configuration
   * @return the registry, checked as {@link Builder#build()} checks it
   * @throws MailboxConfigException naming the key that is wrong
   */
  public static MailboxRegistry load(Properties properties) {
    return builder().load(properties).build();
  }

  /**
   * The settings of every transport found on the classpath, by protocol: what a form, a tool or
   * configuration metadata offers for a mailbox of that protocol besides {@link Mailbox#textForm()}.
   * Keys of a mailbox are {@code PROTOCOL.NAME}.
   *
   * @return the settings of each transport, keyed by its protocol; unmodifiable
   */
  public static Map<String, List<Setting>> transportSettings() {
    Map<String, List<Setting>> all = new TreeMap<>();
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
      all.putIfAbsent(p.protocol(), List.copyOf(p.settings()));
    }
    return java.util.Collections.unmodifiableMap(all);
  }

  /** {@return every mailbox, IN and OUT, in the order configured: the grid} */
  public List<Mailbox> mailboxes() {
    return mailers.mailboxes();
  }

  /**
   * Finds a mailbox by its id.
   *
   * @param id the mailbox id
   * @return the mailbox with the id
   * @throws MailboxConfigException for an unknown id, listing the known ones
   */
  public Mailbox mailbox(String id) {
    return mailers.mailbox(id);
  }

  /**
   * The mailer of the default outgoing mailbox, which sends notifications.
   *
   * @return the default mailbox's mailer
   * @throws MailboxConfigException if no mailbox is the default
   */
  public OutgoingMailer defaultOutgoing() {
    return mailers.defaultOutgoing();
  }

  /**
   * The mailer of an OUT mailbox.
   *
   * @param id the id of an OUT mailbox
   * @return its mailer
   * @throws MailboxConfigException for an unknown id (listing the known ones) or an IN mailbox
   */
  public OutgoingMailer outgoing(String id) {
    return mailers.outgoing(id);
  }

  /**
   * The mailer for a record: the record's mailbox when it names one, else the default outgoing
   * mailbox.
   *
   * @param mailboxIdOrNull the id of the mailbox the record names; {@code null} or blank when it
   *     names none
   * @return the mailer of that mailbox, or of the default outgoing mailbox
   * @throws MailboxConfigException for an unknown id, an IN mailbox, or no default when one is
   *     needed
   */
  public OutgoingMailer forRecord(@Nullable String mailboxIdOrNull) {
    return mailers.forRecord(mailboxIdOrNull);
  }

  /**
   * Stops the asynchronous sends and closes every transport. When it returns, every future {@link
   * OutgoingMailer#sendAsync} handed out is complete:
   *
   * <ul>
   *   <li>a send still queued is not started; its future fails with a {@link MailException} {@code
   *       mailbox 'id': not sent, the registry was closed before the send started};
   *   <li>a send in flight gets up to the {@link Builder#closeTimeout close timeout} (10 s unless
   *       set) to finish, and is then interrupted; one that still does not stop has its future
   *       failed with a {@link TransportException} whose outcome is unknown.
   * </ul>
   *
   * <p>Later sends fail with "the registry is closed". Closing again does nothing more.
   */
  @Override
  public void close() {
    follower.close();
    mailers.close();
  }

  /**
   * {@return the store this registry follows; empty when its mailboxes were given to the builder or
   * loaded from a file, and so never change}
   */
  public Optional<MailboxStore> store() {
    return Optional.ofNullable(follower.store());
  }

  /** {@return the version of the store the registry's mailboxes come from; 0 without a store} */
  public long version() {
    return mailers.version();
  }

  /**
   * Checks a mailbox against this registry's rules, as {@link #save} would with the registry's
   * mailboxes as they are now, and reports by field: each of the transport's settings on its own,
   * then the first rule the mailboxes would break (two defaults, an unknown hook, no transport for
   * the protocol, what the transport needs). For a form; {@link Mailbox#textForm()} checks the fields
   * themselves.
   *
   * @param candidate the mailbox as it would be saved
   * @return field name to what is wrong ({@link MailboxConfigException#problem()}); the empty
   *     string for an error of no single field; empty when {@link #save} would accept it now
   */
  public Map<String, String> validate(Mailbox candidate) {
    return follower.validate(candidate);
  }

  /**
   * Adds a mailbox, or replaces the one with its id, in the store this registry follows. The change
   * is checked against the registry's rules with the store's current mailboxes and written only if
   * it keeps them; it then takes effect here for the next send, and in other registries following
   * the same store when they see it. Sends in flight finish on the settings they started with; a
   * replaced mailbox's transport is closed once they are done.
   *
   * @param mailbox the mailbox
   * @throws MailboxConfigException if the change breaks a rule (naming the mailbox and the field):
   *     nothing is written
   * @throws MailboxStoreException without a store, with a read-only store, or when the store
   *     cannot be written: nothing is changed
   */
  public void save(Mailbox mailbox) {
    follower.save(mailbox);
  }

  /**
   * Adds or replaces several mailboxes as one change, checked against the registry's rules as a
   * whole and written with {@link MailboxStore#saveAll}: readers of the store and sends through
   * this registry see all of them or none. Making one mailbox the default outgoing one and taking
   * the mark from the previous default is one such change, with never a moment of no default or
   * two.
   *
   * @param mailboxes the mailboxes, each id at most once
   * @throws MailboxConfigException if the change breaks a rule (naming the mailbox and the field):
   *     nothing is written
   * @throws MailboxStoreException without a store, with a read-only store, with a store that cannot
   *     save several mailboxes in one change, or when the store cannot be written: nothing is changed
   * @throws IllegalArgumentException if the list is empty or names an id twice
   */
  public void saveAll(List<Mailbox> mailboxes) {
    follower.saveAll(mailboxes);
  }

  /**
   * Removes a mailbox from the store this registry follows, as {@link #save} changes one: checked,
   * then written, then in effect; its sends in flight finish and its transport is closed after.
   *
   * @param id the mailbox id
   * @throws MailboxConfigException for an unknown id, listing the known ones
   * @throws MailboxStoreException without a store, with a read-only store, or when the store
   *     cannot be written: nothing is changed
   */
  public void delete(String id) {
    follower.delete(id);
  }

  /**
   * Reads the store now rather than at its next notice, and applies what changed (a registry does
   * this by itself when the store tells of a change).
   *
   * @throws MailboxConfigException if the store's mailboxes break a rule: the registry keeps the
   *     mailboxes it has
   * @throws MailboxStoreException if the store cannot be read
   */
  public void refresh() {
    follower.refresh();
  }

  /**
   * Where this registry keeps refresh tokens: the store set on the builder, else the loaded file's
   * ({@code outmail.token-store.file}), else one in memory. {@link
   * org.outmail.oauth.OAuthValidations} saves a validated client's token here; a token saved
   * through it drops the client's cached access tokens, so that a validation again takes effect at
   * once.
   *
   * @return the token store
   */
  public TokenStore tokenStore() {
    return tokenStore;
  }

  @Override
  public String toString() {
    RegistrySnapshot now = mailers.current();
    MailboxStore store = follower.store();
    return "MailboxRegistry{mailboxes=" + now.byId.keySet() + ", default=" + now.defaultId
        + (store == null ? "" : ", store=" + store + ", version=" + now.version) + "}";
  }

  /**
   * Builds a {@link MailboxRegistry}; {@link #build()} checks every rule across the mailboxes.
   *
   * <p>Each method checks its argument at once: a mailbox whose id was given before, a second hook
   * of the same name and a bad number throw {@link MailboxConfigException}; a {@code null}
   * argument throws {@link NullPointerException} naming the parameter. The settings of one value
   * ({@link #recipientDirectory}, {@link #tokenStore}, {@link #asyncThreads}, {@link
   * #asyncQueueCapacity}, {@link #closeTimeout}) are refused when set a second time; the methods
   * that add (mailboxes, hooks, providers) add.
   */
  public static final class Builder {
    private final RegistryAssembly parts = new RegistryAssembly();

    private Builder() {}

    /**
     * Adds a mailbox after those given before.
     *
     * @param mailbox the mailbox
     * @return this builder
     * @throws MailboxConfigException if a mailbox with the same id was given before
     */
    public Builder mailbox(Mailbox mailbox) {
      parts.mailbox(mailbox);
      return this;
    }

    /**
     * Adds mailboxes, in order, as {@link #mailbox(Mailbox)} does.
     *
     * @param mailboxes the mailboxes
     * @return this builder
     * @throws MailboxConfigException if a mailbox with the same id was given before
     */
    public Builder mailboxes(Collection<Mailbox> mailboxes) {
      Objects.requireNonNull(mailboxes, "mailboxes == null");
      mailboxes.forEach(this::mailbox);
      return this;
    }

    /**
     * Adds the mailboxes of a properties file, and its token store unless {@link #tokenStore} is
     * set (which wins, whichever is called first).
     *
     * @param propertiesFile the properties file, read as UTF-8
     * @return this builder
     * @throws MailboxConfigException naming the key that is wrong, or a mailbox id given before, or
     *     naming the file when it is not found, not a regular file or cannot be read
     */
    public Builder load(Path propertiesFile) {
      return apply(ConfigLoader.fromFile(Objects.requireNonNull(propertiesFile, "propertiesFile == null")));
    }

    /**
     * Adds the mailboxes of properties already read, and their token store, like {@link
     * #load(Path)}.
     *
     * @param properties the mailbox configuration
     * @return this builder
     * @throws MailboxConfigException naming the key that is wrong, or a mailbox id given before
     */
    public Builder load(Properties properties) {
      return apply(
          ConfigLoader.fromProperties(Objects.requireNonNull(properties, "properties == null"), System::getenv));
    }

    Builder apply(ConfigLoader.Config config) {
      parts.apply(config);
      return this;
    }

    /**
     * The store the registry takes its mailboxes from and follows while it runs: a change saved
     * there (through {@link MailboxRegistry#save}, or by another registry sharing the store) takes
     * effect for the next send. The registry does not close the store.
     *
     * @param store the store of the mailboxes
     * @return this builder
     * @throws MailboxConfigException if a store was set before
     */
    public Builder store(MailboxStore store) {
      parts.store(store);
      return this;
    }

    /**
     * Adds a post-send hook besides those found by {@link ServiceLoader}; it wins over one of the
     * same name found there.
     *
     * @param hook the hook
     * @return this builder
     * @throws MailboxConfigException if a hook of the same name was added before
     */
    public Builder hook(PostSendHook hook) {
      parts.hook(hook);
      return this;
    }

    /**
     * Adds a listener that hears every send of every mailbox (attempts, retries, and how each send
     * ended), after those added before: for metrics, such as {@code outmail-micrometer}'s {@code
     * OutmailMetrics}. What a listener throws is logged and never changes a send's result.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(SendListener listener) {
      parts.listener(listener);
      return this;
    }

    /**
     * The host's user directory, required when a mailbox sends to registered users only; it can be
     * set once.
     *
     * @param directory the host's user directory
     * @return this builder
     * @throws MailboxConfigException if a directory was set before
     */
    public Builder recipientDirectory(RecipientDirectory directory) {
      parts.recipientDirectory(directory);
      return this;
    }

    /**
     * Adds a transport provider besides those found by {@link ServiceLoader}; it wins over one of
     * the same protocol found there, and a later one added here wins over an earlier one.
     *
     * @param provider the transport provider
     * @return this builder
     */
    public Builder transportProvider(TransportProvider provider) {
      parts.transportProvider(provider);
      return this;
    }

    /**
     * Adds an access token provider, asked after those added before and before those found by
     * {@link ServiceLoader}. A provider added here serves the mailboxes of every protocol, also one
     * that, found by {@link ServiceLoader}, would serve only its own transport's mailboxes (such as
     * {@code owa}'s {@code MsalTokenProvider}): adding it here is how a host opts in.
     *
     * @param provider the access token provider
     * @return this builder
     */
    public Builder accessTokenProvider(AccessTokenProvider provider) {
      parts.accessTokenProvider(provider);
      return this;
    }

    /**
     * Where rotated refresh tokens are kept; in memory unless set here or in a loaded properties
     * file. Set here, it wins over the file's; it can be set here once.
     *
     * @param store the token store
     * @return this builder
     * @throws MailboxConfigException if a token store was set here before
     */
    public Builder tokenStore(TokenStore store) {
      parts.tokenStore(store);
      return this;
    }

    /**
     * Threads that run {@link OutgoingMailer#sendAsync}; default 4. It can be set once.
     *
     * @param threads the number of threads
     * @return this builder
     * @throws MailboxConfigException unless at least 1, or if set before
     */
    public Builder asyncThreads(int threads) {
      parts.asyncThreads(threads);
      return this;
    }

    /**
     * Sends that may wait for an async thread; more are refused. Default 10,000. It can be set
     * once.
     *
     * @param capacity the number of sends that may wait
     * @return this builder
     * @throws MailboxConfigException unless at least 1, or if set before
     */
    public Builder asyncQueueCapacity(int capacity) {
      parts.asyncQueueCapacity(capacity);
      return this;
    }

    /**
     * How long {@link MailboxRegistry#close()} waits for asynchronous sends in flight before it
     * interrupts them; default 10 s. Zero interrupts them at once. Sends still queued never wait:
     * they fail when the registry closes. It can be set once.
     *
     * @param timeout the time to wait, zero or more
     * @return this builder
     * @throws MailboxConfigException if negative, or if set before
     */
    public Builder closeTimeout(Duration timeout) {
      parts.closeTimeout(timeout);
      return this;
    }

    /**
     * Checks the rules across mailboxes and builds the registry. No connection is made.
     *
     * @return the registry, following its store if it has one
     * @throws MailboxStoreException if the store cannot be read
     * @throws MailboxConfigException for mailboxes given and a store, duplicate ids, two defaults, a default that is not OUT, a
     *     protocol without transport, an unknown hook, a registered-only mailbox without directory
     */
    public MailboxRegistry build() {
      return parts.build();
    }
  }
}
