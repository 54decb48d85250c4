package org.outmail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.SettingValues;
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
 */
public final class MailboxRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MailboxRegistry.class);

  private final List<Mailbox> mailboxes;
  private final Map<String, Mailbox> byId;
  private final Map<String, OutgoingMailer> mailers;
  private final String defaultId;
  private final ExecutorService executor;

  private MailboxRegistry(List<Mailbox> mailboxes, Map<String, OutgoingMailer> mailers, String defaultId,
      ExecutorService executor) {
    this.mailboxes = List.copyOf(mailboxes);
    Map<String, Mailbox> index = new LinkedHashMap<>();
    mailboxes.forEach(m -> index.put(m.id(), m));
    this.byId = index;
    this.mailers = mailers;
    this.defaultId = defaultId;
    this.executor = executor;
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
      throw new MailboxConfigException(id, "type", "mailbox '" + id + "' is an IN mailbox and cannot send");
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

  /** Stops the async executor (letting queued sends finish for a few seconds) and closes every transport. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("queued asynchronous sends did not finish within 10 s; interrupting them");
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    mailers.values().forEach(OutgoingMailer::close);
  }

  @Override
  public String toString() {
    return "MailboxRegistry{mailboxes=" + byId.keySet() + ", default=" + defaultId + "}";
  }

  /** Builds a {@link MailboxRegistry}; {@link #build()} checks every rule across the mailboxes. */
  public static final class Builder {
    private final List<Mailbox> mailboxes = new ArrayList<>();
    private final Map<String, PostSendHook> hooks = new LinkedHashMap<>();
    private final List<TransportProvider> transportProviders = new ArrayList<>();
    private final List<AccessTokenProvider> tokenProviders = new ArrayList<>();
    private RecipientDirectory directory;
    private TokenStore tokenStore;
    private int asyncThreads = 4;
    private int asyncQueueCapacity = 10_000;

    private Builder() {}

    /**
     * Adds a mailbox; mailboxes keep the order they are added in.
     *
     * @param mailbox the mailbox
     * @return this builder
     */
    public Builder mailbox(Mailbox mailbox) {
      mailboxes.add(Objects.requireNonNull(mailbox, "mailbox == null"));
      return this;
    }

    /**
     * Adds mailboxes, in the collection's order.
     *
     * @param mailboxes the mailboxes
     * @return this builder
     */
    public Builder mailboxes(Collection<Mailbox> mailboxes) {
      mailboxes.forEach(this::mailbox);
      return this;
    }

    /**
     * Adds the mailboxes (and the token store, if set) of a properties file.
     *
     * @param propertiesFile the properties file, read as UTF-8
     * @return this builder
     * @throws MailboxConfigException if the file cannot be read, or naming the key that is wrong
     */
    public Builder load(Path propertiesFile) {
      return apply(ConfigLoader.fromFile(propertiesFile));
    }

    /**
     * Adds the mailboxes (and the token store, if set) of properties already read.
     *
     * @param properties the mailbox configuration
     * @return this builder
     * @throws MailboxConfigException naming the key that is wrong
     */
    public Builder load(Properties properties) {
      return apply(ConfigLoader.fromProperties(properties, System::getenv));
    }

    Builder apply(ConfigLoader.Config config) {
      mailboxes(config.mailboxes());
      if (config.tokenStore() != null && tokenStore == null) {
        tokenStore = config.tokenStore();
      }
      return this;
    }

    /**
     * Adds a post-send hook besides those found by {@link ServiceLoader}; it wins over one of the
     * same name.
     *
     * @param hook the hook, known by its {@link PostSendHook#name()}
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
     * The host's user directory, required when a mailbox sends to registered users only.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder recipientDirectory(RecipientDirectory directory) {
      this.directory = Objects.requireNonNull(directory, "directory == null");
      return this;
    }

    /**
     * Adds a transport provider besides those found by {@link ServiceLoader}; it wins over one of
     * the same protocol.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder transportProvider(TransportProvider provider) {
      transportProviders.add(Objects.requireNonNull(provider, "provider == null"));
      return this;
    }

    /**
     * Adds an access token provider, asked before those found by {@link ServiceLoader}.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder accessTokenProvider(AccessTokenProvider provider) {
      tokenProviders.add(Objects.requireNonNull(provider, "provider == null"));
      return this;
    }

    /**
     * Where rotated refresh tokens are kept; in memory unless set (or set in the properties file).
     *
     * @param store the token store
     * @return this builder
     */
    public Builder tokenStore(TokenStore store) {
      this.tokenStore = Objects.requireNonNull(store, "store == null");
      return this;
    }

    /**
     * Threads that run {@link OutgoingMailer#sendAsync}; default 4.
     *
     * @param threads at least 1
     * @return this builder
     * @throws IllegalArgumentException if fewer than 1
     */
    public Builder asyncThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("asyncThreads must be at least 1, was " + threads);
      }
      this.asyncThreads = threads;
      return this;
    }

    /**
     * Sends that may wait for an async thread; more are refused. Default 10,000.
     *
     * @param capacity at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder asyncQueueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("asyncQueueCapacity must be at least 1, was " + capacity);
      }
      this.asyncQueueCapacity = capacity;
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
        if (byId.putIfAbsent(m.id(), m) != null) {
          throw new MailboxConfigException(m.id(), "id", "two mailboxes have the id '" + m.id() + "'");
        }
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
      TransportContext context = TransportContext.of(
          AccessTokens.standardWith(tokenSources, tokenStore == null ? TokenStore.inMemory() : tokenStore));
      ExecutorService executor = executor();
      Map<String, OutgoingMailer> mailers = new LinkedHashMap<>();
      try {
        for (Mailbox m : mailboxes) {
          if (m.type() != MailboxType.OUT) {
            continue;
          }
          TransportProvider provider = providers.get(m.protocol());
          if (provider == null) {
            throw new MailboxConfigException(m.id(), "protocol", "mailbox '" + m.id() + "': no transport for protocol '"
                + m.protocol() + "'; transports found: " + providers.keySet()
                + " (add the outmail-transport-" + m.protocol() + " jar to the classpath)");
          }
          checkSettings(m, provider);
          provider.validate(m);
          List<PostSendHook> mailboxHooks = new ArrayList<>();
          for (String name : m.postSendHooks()) {
            PostSendHook hook = allHooks.get(name);
            if (hook == null) {
              throw new MailboxConfigException(m.id(), "post-send-hooks", "mailbox '" + m.id()
                  + "': post-send hook '" + name + "' is unknown; hooks found: " + allHooks.keySet());
            }
            mailboxHooks.add(hook);
          }
          if (m.allowedEmails() == AllowedEmails.REGISTERED_ONLY && directory == null) {
            throw MailboxConfigException.of(m.id(), "allowed-emails",
                "is REGISTERED_ONLY but the registry has no recipient directory (Builder.recipientDirectory)");
          }
          mailers.put(m.id(), new OutgoingMailer(m, provider, context, directory, mailboxHooks, executor));
        }
      } catch (RuntimeException e) {
        executor.shutdownNow();
        throw e;
      }
      return new MailboxRegistry(mailboxes, mailers, defaultId, executor);
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

    private ExecutorService executor() {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory threads = r -> {
        Thread t = new Thread(r, "outmail-send-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      ThreadPoolExecutor pool = new ThreadPoolExecutor(asyncThreads, asyncThreads, 30, TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(asyncQueueCapacity), threads, new ThreadPoolExecutor.AbortPolicy());
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
