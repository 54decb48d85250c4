package org.outmail.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.PostSendHook;
import org.outmail.RecipientDirectory;
import org.outmail.SendListener;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;

/**
 * What a {@link MailboxRegistry.Builder} collects, each part checked as it is given, and how {@link
 * #build()} puts the registry together: the rules, the mailers it serves and the store it follows.
 */
public final class RegistryAssembly {
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final List<Mailbox> mailboxes = new ArrayList<>();
  private final Map<String, Mailbox> mailboxIds = new LinkedHashMap<>();
  /** The ids of the mailboxes read from a configuration, whose errors name the configuration key. */
  private final Set<String> loadedIds = new HashSet<>();
  private final Map<String, PostSendHook> hooks = new LinkedHashMap<>();
  private final List<TransportProvider> transportProviders = new ArrayList<>();
  private final List<AccessTokenProvider> tokenProviders = new ArrayList<>();
  private final List<SendListener> listeners = new ArrayList<>();
  private @Nullable RecipientDirectory directory;
  private @Nullable TokenStore tokenStore;
  private @Nullable TokenStore loadedTokenStore;
  private @Nullable Integer asyncThreads;
  private @Nullable Integer asyncQueueCapacity;
  private @Nullable Duration closeTimeout;
  private @Nullable MailboxStore store;

  public void apply(ConfigLoader.Config config) {
    config.mailboxes().forEach(this::mailbox);
    config.mailboxes().forEach(m -> loadedIds.add(m.id()));
    if (config.tokenStore() != null) {
      if (loadedTokenStore != null) {
        throw new MailboxConfigException(null, "outmail.token-store.file",
            "outmail.token-store.file: two loaded configurations set a token store");
      }
      loadedTokenStore = config.tokenStore();
    }
  }

  public void mailbox(Mailbox mailbox) {
    Objects.requireNonNull(mailbox, "mailbox == null");
    if (mailboxIds.putIfAbsent(mailbox.id(), mailbox) != null) {
      throw new MailboxConfigException(mailbox.id(), "id", "two mailboxes have the id '" + mailbox.id() + "'");
    }
    mailboxes.add(mailbox);
  }

  public void store(MailboxStore store) {
    Objects.requireNonNull(store, "store == null");
    if (this.store != null) {
      throw new MailboxConfigException(null, "store", "store was already set to " + this.store);
    }
    this.store = store;
  }

  public void hook(PostSendHook hook) {
    Objects.requireNonNull(hook, "hook == null");
    String name = Objects.requireNonNull(hook.name(), "hook.name() == null");
    if (hooks.putIfAbsent(name, hook) != null) {
      throw new MailboxConfigException(null, "post-send-hooks", "two hooks are named '" + name + "'");
    }
  }

  public void listener(SendListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
  }

  public void recipientDirectory(RecipientDirectory directory) {
    Objects.requireNonNull(directory, "directory == null");
    if (this.directory != null) {
      throw new MailboxConfigException(null, "recipientDirectory", "recipientDirectory was already set");
    }
    this.directory = directory;
  }

  public void transportProvider(TransportProvider provider) {
    transportProviders.add(Objects.requireNonNull(provider, "provider == null"));
  }

  public void accessTokenProvider(AccessTokenProvider provider) {
    tokenProviders.add(Objects.requireNonNull(provider, "provider == null"));
  }

  public void tokenStore(TokenStore store) {
    Objects.requireNonNull(store, "store == null");
    if (this.tokenStore != null) {
      throw new MailboxConfigException(null, "tokenStore", "tokenStore was already set to " + this.tokenStore);
    }
    this.tokenStore = store;
  }

  public void asyncThreads(int threads) {
    if (threads < 1) {
      throw new MailboxConfigException(null, "asyncThreads", "asyncThreads must be at least 1, was " + threads);
    }
    if (asyncThreads != null) {
      throw new MailboxConfigException(null, "asyncThreads", "asyncThreads was already set to " + asyncThreads);
    }
    this.asyncThreads = threads;
  }

  public void asyncQueueCapacity(int capacity) {
    if (capacity < 1) {
      throw new MailboxConfigException(null, "asyncQueueCapacity",
          "asyncQueueCapacity must be at least 1, was " + capacity);
    }
    if (asyncQueueCapacity != null) {
      throw new MailboxConfigException(null, "asyncQueueCapacity",
          "asyncQueueCapacity was already set to " + asyncQueueCapacity);
    }
    this.asyncQueueCapacity = capacity;
  }

  public void closeTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    if (timeout.isNegative()) {
      throw new MailboxConfigException(null, "closeTimeout", "closeTimeout must not be negative, was " + timeout);
    }
    if (closeTimeout != null) {
      throw new MailboxConfigException(null, "closeTimeout", "closeTimeout was already set to " + closeTimeout);
    }
    this.closeTimeout = timeout;
  }

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
      Map<String, TransportProvider> providers = Rules.providers(transportProviders);
      Rules.checkLoadedSettings(mailboxes, loadedIds, providers);
      Rules rules = new Rules(providers, Rules.hooks(hooks), directory, context, async, List.copyOf(listeners));
      MailboxStore.Contents first = store == null ? new MailboxStore.Contents(0, mailboxes) : store.contents();
      Mailers mailers = new Mailers(rules.snapshot(first.version(), first.mailboxes(), null), async);
      StoreFollower follower = new StoreFollower(rules, store, mailers);
      MailboxRegistry registry = Access.get().newRegistry(mailers, follower,
          new ForgettingTokenStore(tokens, context.accessTokens()));
      follower.follow();
      return registry;
    } catch (RuntimeException e) {
      async.close();
      throw e;
    }
  }
}
