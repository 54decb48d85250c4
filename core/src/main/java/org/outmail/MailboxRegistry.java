package org.outmail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(MailboxRegistry.class);
  /** Attempts of a change whose store moved on meanwhile. */
  private static final int CHANGE_ATTEMPTS = 3;

  private final Rules rules;
  private final MailboxStore store;
  private final AsyncSends async;
  private final TokenStore tokenStore;
  private final Object changes = new Object();
  private final Set<OutgoingMailer> retired = ConcurrentHashMap.newKeySet();
  private volatile RegistrySnapshot current;
  private volatile MailboxStore.Subscription subscription;
  private volatile boolean closed;
  /** The store version whose contents this registry refused, so it is reported once. */
  private long refusedVersion = Long.MIN_VALUE;

  private MailboxRegistry(Rules rules, RegistrySnapshot first, MailboxStore store, AsyncSends async,
      TokenStore tokenStore) {
    this.rules = rules;
    this.current = first;
    this.store = store;
    this.async = async;
    this.tokenStore = tokenStore;
  }

  private void follow() {
    if (store != null) {
      subscription = store.onChange(this::refreshQuietly);
      refreshQuietly(); // a change between the first read and the subscription
    }
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
    return current.mailboxes;
  }

  /**
   * Finds a mailbox by its id.
   *
   * @param id the mailbox id
   * @return the mailbox with the id
   * @throws MailboxConfigException for an unknown id, listing the known ones
   */
  public Mailbox mailbox(String id) {
    Objects.requireNonNull(id, "id == null");
    RegistrySnapshot now = current;
    Mailbox m = now.byId.get(id);
    if (m == null) {
      throw new MailboxConfigException(id, "id", "no mailbox with id '" + id + "'; known ids: " + now.byId.keySet());
    }
    return m;
  }

  /**
   * The mailer of the default outgoing mailbox, which sends notifications.
   *
   * @return the default mailbox's mailer
   * @throws MailboxConfigException if no mailbox is the default
   */
  public OutgoingMailer defaultOutgoing() {
    RegistrySnapshot now = current;
    if (now.defaultId == null) {
      throw new MailboxConfigException(null, "default-outgoing",
          "no mailbox is the default outgoing mailbox; mailboxes: " + now.byId.keySet());
    }
    return now.mailers.get(now.defaultId);
  }

  /**
   * The mailer of an OUT mailbox.
   *
   * @param id the id of an OUT mailbox
   * @return its mailer
   * @throws MailboxConfigException for an unknown id (listing the known ones) or an IN mailbox
   */
  public OutgoingMailer outgoing(String id) {
    Objects.requireNonNull(id, "id == null");
    RegistrySnapshot now = current;
    Mailbox m = now.byId.get(id);
    if (m == null) {
      throw new MailboxConfigException(id, "id", "no mailbox with id '" + id + "'; known ids: " + now.byId.keySet());
    }
    if (m.type() != MailboxType.OUT) {
      throw new MailboxConfigException(id, "type", MailException.mailboxLabel(id) + " is an IN mailbox and cannot send");
    }
    return now.mailers.get(id);
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
  public OutgoingMailer forRecord(String mailboxIdOrNull) {
    if (mailboxIdOrNull == null || mailboxIdOrNull.isBlank()) {
      return defaultOutgoing();
    }
    return outgoing(mailboxIdOrNull.strip());
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
    MailboxStore.Subscription s;
    synchronized (changes) {
      closed = true;
      s = subscription;
    }
    if (s != null) {
      s.close();
    }
    async.close();
    current.mailers.values().forEach(OutgoingMailer::close);
    retired.forEach(OutgoingMailer::close);
    retired.clear();
  }

  /**
   * {@return the store this registry follows; empty when its mailboxes were given to the builder or
   * loaded from a file, and so never change}
   */
  public Optional<MailboxStore> store() {
    return Optional.ofNullable(store);
  }

  /** {@return the version of the store the registry's mailboxes come from; 0 without a store} */
  public long version() {
    return current.version;
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
    Objects.requireNonNull(candidate, "candidate == null");
    Map<String, String> errors = new LinkedHashMap<>();
    if (candidate.type() == MailboxType.OUT) {
      errors.putAll(rules.settingErrors(candidate));
    }
    if (errors.isEmpty()) {
      try {
        rules.snapshot(0, replaced(current.mailboxes, candidate), null);
      } catch (MailboxConfigException e) {
        errors.put(e.field() == null ? "" : e.field(), e.problem());
      }
    }
    return errors;
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
    Objects.requireNonNull(mailbox, "mailbox == null");
    MailboxStore s = writableStore(mailbox.id());
    change(mailbox.id(), list -> replaced(list, mailbox), v -> s.save(mailbox, v));
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
    List<Mailbox> list = InMemoryMailboxStore.checkedForSaveAll(mailboxes);
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

  /**
   * Reads the store now rather than at its next notice, and applies what changed (a registry does
   * this by itself when the store tells of a change).
   *
   * @throws MailboxConfigException if the store's mailboxes break a rule: the registry keeps the
   *     mailboxes it has
   * @throws MailboxStoreException if the store cannot be read
   */
  public void refresh() {
    if (store == null) {
      return;
    }
    synchronized (changes) {
      if (closed) {
        return;
      }
      MailboxStore.Contents c = store.contents();
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
      install(next);
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (MailboxConfigException e) {
      // logged once by refresh
    } catch (MailException e) {
      LOG.warn("could not read the mailboxes of {}; keeping version {}: {}", store, current.version, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("could not read the mailboxes of {}; keeping version {}", store, current.version, e);
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
        throw new MailboxStoreException(id, MailException.mailboxPrefix(id) + "not changed: the registry is closed", null);
      }
      for (int attempt = 1; ; attempt++) {
        MailboxStore.Contents c = store.contents();
        RegistrySnapshot next = rules.snapshot(c.version(), edit.apply(c.mailboxes()), current);
        long version;
        try {
          version = write.applyAsLong(c.version());
        } catch (MailboxStoreException e) {
          if (e.isConflict() && attempt < CHANGE_ATTEMPTS) {
            continue;
          }
          throw e;
        }
        install(next.withVersion(version));
        return;
      }
    }
  }

  /** Serves the next snapshot; retires the mailers it no longer has (they drain, then close). */
  private void install(RegistrySnapshot next) {
    RegistrySnapshot before = current;
    current = next;
    retired.removeIf(OutgoingMailer::drained);
    before.mailers.forEach((id, mailer) -> {
      if (next.mailers.get(id) != mailer) {
        retired.add(mailer);
        mailer.retire(() -> outgoing(id));
      }
    });
    LOG.debug("mailboxes now at version {}: {}", next.version, next.byId.keySet());
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
    RegistrySnapshot now = current;
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
    static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final List<Mailbox> mailboxes = new ArrayList<>();
    private final Map<String, Mailbox> mailboxIds = new LinkedHashMap<>();
    /** The ids of the mailboxes read from a configuration, whose errors name the configuration key. */
    private final Set<String> loadedIds = new HashSet<>();
    private final Map<String, PostSendHook> hooks = new LinkedHashMap<>();
    private final List<TransportProvider> transportProviders = new ArrayList<>();
    private final List<AccessTokenProvider> tokenProviders = new ArrayList<>();
    private final List<SendListener> listeners = new ArrayList<>();
    private RecipientDirectory directory;
    private TokenStore tokenStore;
    private TokenStore loadedTokenStore;
    private Integer asyncThreads;
    private Integer asyncQueueCapacity;
    private Duration closeTimeout;
    private MailboxStore store;

    private Builder() {}

    /**
     * Adds a mailbox after those given before.
     *
     * @param mailbox the mailbox
     * @return this builder
     * @throws MailboxConfigException if a mailbox with the same id was given before
     */
    public Builder mailbox(Mailbox mailbox) {
      Objects.requireNonNull(mailbox, "mailbox == null");
      if (mailboxIds.putIfAbsent(mailbox.id(), mailbox) != null) {
        throw new MailboxConfigException(mailbox.id(), "id", "two mailboxes have the id '" + mailbox.id() + "'");
      }
      mailboxes.add(mailbox);
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
      return apply(ConfigLoader.fromProperties(Objects.requireNonNull(properties, "properties == null"), System::getenv));
    }

    Builder apply(ConfigLoader.Config config) {
      mailboxes(config.mailboxes());
      config.mailboxes().forEach(m -> loadedIds.add(m.id()));
      if (config.tokenStore() != null) {
        if (loadedTokenStore != null) {
          throw new MailboxConfigException(null, "outmail.token-store.file",
              "outmail.token-store.file: two loaded configurations set a token store");
        }
        loadedTokenStore = config.tokenStore();
      }
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
      Objects.requireNonNull(store, "store == null");
      if (this.store != null) {
        throw new MailboxConfigException(null, "store", "store was already set to " + this.store);
      }
      this.store = store;
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
      Objects.requireNonNull(hook, "hook == null");
      String name = Objects.requireNonNull(hook.name(), "hook.name() == null");
      if (hooks.putIfAbsent(name, hook) != null) {
        throw new MailboxConfigException(null, "post-send-hooks", "two hooks are named '" + name + "'");
      }
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
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
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
      Objects.requireNonNull(directory, "directory == null");
      if (this.directory != null) {
        throw new MailboxConfigException(null, "recipientDirectory", "recipientDirectory was already set");
      }
      this.directory = directory;
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
      transportProviders.add(Objects.requireNonNull(provider, "provider == null"));
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
      tokenProviders.add(Objects.requireNonNull(provider, "provider == null"));
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
      Objects.requireNonNull(store, "store == null");
      if (this.tokenStore != null) {
        throw new MailboxConfigException(null, "tokenStore", "tokenStore was already set to " + this.tokenStore);
      }
      this.tokenStore = store;
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
      if (threads < 1) {
        throw new MailboxConfigException(null, "asyncThreads", "asyncThreads must be at least 1, was " + threads);
      }
      if (asyncThreads != null) {
        throw new MailboxConfigException(null, "asyncThreads", "asyncThreads was already set to " + asyncThreads);
      }
      this.asyncThreads = threads;
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
      if (capacity < 1) {
        throw new MailboxConfigException(null, "asyncQueueCapacity",
            "asyncQueueCapacity must be at least 1, was " + capacity);
      }
      if (asyncQueueCapacity != null) {
        throw new MailboxConfigException(null, "asyncQueueCapacity",
            "asyncQueueCapacity was already set to " + asyncQueueCapacity);
      }
      this.asyncQueueCapacity = capacity;
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
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative()) {
        throw new MailboxConfigException(null, "closeTimeout", "closeTimeout must not be negative, was " + timeout);
      }
      if (closeTimeout != null) {
        throw new MailboxConfigException(null, "closeTimeout", "closeTimeout was already set to " + closeTimeout);
      }
      this.closeTimeout = timeout;
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
      if (store != null && !mailboxes.isEmpty()) {
        throw new MailboxConfigException(null, "store", "a registry takes its mailboxes from a store or from "
            + "mailbox()/load(), not both; save the mailboxes " + mailboxIds.keySet() + " in the store instead");
      }
      List<AccessTokenProvider> tokenSources = new ArrayList<>(tokenProviders);
      TokenStore tokens = tokenStore != null ? tokenStore
          : loadedTokenStore != null ? loadedTokenStore : TokenStore.inMemory();
      TransportContext context = TransportContext.of(AccessTokens.standardWith(tokenSources, tokens));
      AsyncSends async = new AsyncSends(asyncThreads == null ? 4 : asyncThreads,
          asyncQueueCapacity == null ? 10_000 : asyncQueueCapacity,
          closeTimeout == null ? DEFAULT_CLOSE_TIMEOUT : closeTimeout);
      try {
        Map<String, TransportProvider> providers = providers();
        checkLoadedSettings(providers);
        Rules rules = new Rules(providers, hooks(), directory, context, async, List.copyOf(listeners));
        MailboxStore.Contents first = store == null ? new MailboxStore.Contents(0, mailboxes) : store.contents();
        MailboxRegistry registry = new MailboxRegistry(rules, rules.snapshot(first.version(), first.mailboxes(), null),
            store, async, new ForgettingTokenStore(tokens, context.accessTokens()));
        registry.follow();
        return registry;
      } catch (RuntimeException e) {
        async.close();
        throw e;
      }
    }

    /**
     * A transport setting of a mailbox read from a configuration that its transport does not know
     * is an unknown key, named in full, with the key meant when one is close:
     * {@code outmail.mailbox.x.smtp.max-conections: unknown key; did you mean
     * outmail.mailbox.x.smtp.max-connections?}. Other mailboxes are checked by the rules, naming the
     * setting.
     */
    private void checkLoadedSettings(Map<String, TransportProvider> providers) {
      for (Mailbox m : mailboxes) {
        TransportProvider provider = providers.get(m.protocol());
        if (!loadedIds.contains(m.id()) || m.type() != MailboxType.OUT || provider == null) {
          continue;
        }
        List<String> known = Rules.knownSettings(m, provider);
        String prefix = ConfigLoader.MAILBOX + m.id() + ".";
        for (String key : m.settingKeys()) {
          Optional<String> refused = provider.settingRefusal(key);
          if (refused.isPresent()) {
            throw new MailboxConfigException(m.id(), prefix + key, prefix + key + " " + refused.get());
          }
          Optional<String> meant = Rules.meantSetting(m, provider, key);
          if (!known.contains(key) && (meant.isPresent() || key.startsWith(m.protocol() + "."))) {
            throw new MailboxConfigException(m.id(), prefix + key, prefix + key + ": unknown key; "
                + meant.map(k -> "did you mean " + prefix + k + "? ").orElse("")
                + "settings of protocol " + m.protocol() + ": " + known);
          }
        }
      }
    }

    private Map<String, TransportProvider> providers() {
      Map<String, TransportProvider> found = new TreeMap<>();
      for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
        found.putIfAbsent(p.protocol(), p);
      }
      for (TransportProvider p : transportProviders) {
        found.put(p.protocol(), p);
      }
      return found;
    }

    private Map<String, PostSendHook> hooks() {
      Map<String, PostSendHook> all = new LinkedHashMap<>();
      for (PostSendHook h : ServiceLoader.load(PostSendHook.class)) {
        all.putIfAbsent(h.name(), h);
      }
      all.putAll(hooks);
      return all;
    }
  }
}
