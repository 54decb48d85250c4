package org.outmail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.SettingValues;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;

/**
 * The grid of configured mailboxes and the way to send through them: {@code
 * registry.defaultOutgoing().send(email)}.
 *
 * <p>Built with {@link #builder()} or loaded from a properties file with {@link #load(Path)}; every
 * rule is checked when it is built: unique ids, at most one default outgoing mailbox (an OUT one),
 * a transport on the classpath for every OUT mailbox's protocol, every named hook known. Close it
 * to close pooled connections and the async executor.
 */
public final class MailboxRegistry implements AutoCloseable {
  private final List<Mailbox> mailboxes;
  private final Map<String, Mailbox> byId;
  private final Map<String, OutgoingMailer> mailers;
  private final String defaultId;
  private final AsyncSends async;
  private final TokenStore tokenStore;

  private MailboxRegistry(List<Mailbox> mailboxes, Map<String, OutgoingMailer> mailers, String defaultId,
      AsyncSends async, TokenStore tokenStore) {
    this.mailboxes = List.copyOf(mailboxes);
    Map<String, Mailbox> index = new LinkedHashMap<>();
    mailboxes.forEach(m -> index.put(m.id(), m));
    this.byId = index;
    this.mailers = mailers;
    this.defaultId = defaultId;
    this.async = async;
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
   * @throws MailboxConfigException naming the key that is wrong
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
   * configuration metadata offers for a mailbox of that protocol besides {@link Mailbox#fields()}.
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
    return mailboxes;
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
    Mailbox m = byId.get(id);
    if (m == null) {
      throw new MailboxConfigException(id, "id", "no mailbox with id '" + id + "'; known ids: " + byId.keySet());
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
    if (defaultId == null) {
      throw new MailboxConfigException(null, "default-outgoing",
          "no mailbox is the default outgoing mailbox; mailboxes: " + byId.keySet());
    }
    return mailers.get(defaultId);
  }

  /**
   * The mailer of an OUT mailbox.
   *
   * @param id the id of an OUT mailbox
   * @return its mailer
   * @throws MailboxConfigException for an unknown id (listing the known ones) or an IN mailbox
   */
  public OutgoingMailer outgoing(String id) {
    Mailbox m = mailbox(id);
    if (m.type() != MailboxType.OUT) {
      throw new MailboxConfigException(id, "type", MailException.mailboxLabel(id) + " is an IN mailbox and cannot send");
    }
    return mailers.get(id);
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
    async.close();
    mailers.values().forEach(OutgoingMailer::close);
  }

  /**
   * Where this registry keeps refresh tokens: the store set on the builder, else the loaded file's
   * ({@code outmail.token-store.file}), else one in memory. {@link
   * org.outmail.oauth.OAuthValidations} saves a validated client's token here.
   *
   * @return the token store
   */
  public TokenStore tokenStore() {
    return tokenStore;
  }

  @Override
  public String toString() {
    return "MailboxRegistry{mailboxes=" + byId.keySet() + ", default=" + defaultId + "}";
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
    private final Map<String, PostSendHook> hooks = new LinkedHashMap<>();
    private final List<TransportProvider> transportProviders = new ArrayList<>();
    private final List<AccessTokenProvider> tokenProviders = new ArrayList<>();
    private final List<MailListener> listeners = new ArrayList<>();
    private RecipientDirectory directory;
    private TokenStore tokenStore;
    private TokenStore loadedTokenStore;
    private Integer asyncThreads;
    private Integer asyncQueueCapacity;
    private Duration closeTimeout;

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
     * @throws MailboxConfigException naming the key that is wrong, or a mailbox id given before
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
    public Builder listener(MailListener listener) {
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
     * {@link ServiceLoader}.
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
     * @return the registry
     * @throws MailboxConfigException for duplicate ids, two defaults, a default that is not OUT, a
     *     protocol without transport, an unknown hook, a registered-only mailbox without directory
     */
    public MailboxRegistry build() {
      Map<String, TransportProvider> providers = providers();
      Map<String, PostSendHook> allHooks = hooks();
      Map<String, Mailbox> byId = new LinkedHashMap<>();
      String defaultId = null;
      for (Mailbox m : mailboxes) {
        byId.put(m.id(), m);
        if (m.defaultOutgoing()) {
          if (m.type() != MailboxType.OUT) {
            throw MailboxConfigException.of(m.id(), "default-outgoing", "is set on an IN mailbox; the default must be an OUT mailbox");
          }
          if (defaultId != null) {
            throw new MailboxConfigException(m.id(), "default-outgoing",
                "two mailboxes are the default outgoing mailbox: '" + defaultId + "' and '" + m.id() + "'");
          }
          defaultId = m.id();
        }
      }
      List<AccessTokenProvider> tokenSources = new ArrayList<>(tokenProviders);
      TokenStore store = tokenStore != null ? tokenStore
          : loadedTokenStore != null ? loadedTokenStore : TokenStore.inMemory();
      TransportContext context = TransportContext.of(AccessTokens.standardWith(tokenSources, store));
      AsyncSends async = new AsyncSends(asyncThreads == null ? 4 : asyncThreads,
          asyncQueueCapacity == null ? 10_000 : asyncQueueCapacity,
          closeTimeout == null ? DEFAULT_CLOSE_TIMEOUT : closeTimeout);
      Map<String, OutgoingMailer> mailers = new LinkedHashMap<>();
      try {
        for (Mailbox m : mailboxes) {
          if (m.type() != MailboxType.OUT) {
            continue;
          }
          TransportProvider provider = providers.get(m.protocol());
          if (provider == null) {
            String meant = Suggestions.closest(m.protocol(), providers.keySet()).orElse(null);
            throw new MailboxConfigException(m.id(), "protocol", MailException.mailboxPrefix(m.id()) + "no transport for protocol '"
                + m.protocol() + "'; " + (meant == null ? "" : "did you mean " + meant + "? ")
                + "transports found: " + providers.keySet()
                + (meant == null ? " (add the outmail-transport-" + m.protocol() + " jar to the classpath)" : ""));
          }
          checkSettings(m, provider);
          provider.validate(m);
          List<PostSendHook> mailboxHooks = new ArrayList<>();
          for (String name : m.postSendHooks()) {
            PostSendHook hook = allHooks.get(name);
            if (hook == null) {
              throw new MailboxConfigException(m.id(), "post-send-hooks", MailException.mailboxPrefix(m.id())
                  + "post-send hook '" + name + "' is unknown; hooks found: " + allHooks.keySet());
            }
            mailboxHooks.add(hook);
          }
          if (m.allowedEmails() == AllowedEmails.REGISTERED_ONLY && directory == null) {
            throw MailboxConfigException.of(m.id(), "allowed-emails",
                "is REGISTERED_ONLY but the registry has no recipient directory (Builder.recipientDirectory)");
          }
          mailers.put(m.id(), new OutgoingMailer(m, provider, context, directory, mailboxHooks, async, listeners));
        }
      } catch (RuntimeException e) {
        async.close();
        throw e;
      }
      return new MailboxRegistry(mailboxes, mailers, defaultId, async, store);
    }

    /** Every transport setting of the mailbox belongs to its protocol and is valid there. */
    private static void checkSettings(Mailbox m, TransportProvider provider) {
      String own = m.protocol() + ".";
      for (String key : m.settings().keySet()) {
        if (!key.startsWith(own)) {
          throw MailboxConfigException.of(m.id(), key, "is a setting of protocol "
              + key.substring(0, key.indexOf('.')) + ", but the mailbox's protocol is " + m.protocol());
        }
      }
      SettingValues.of(m, m.protocol(), provider.settings());
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
