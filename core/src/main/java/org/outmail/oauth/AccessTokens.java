package org.outmail.oauth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Hands out access tokens, cached per OAuth client and scopes until shortly before they expire: a
 * minute before, or half their lifetime before when that is shorter.
 * Asks the first {@link AccessTokenProvider} that supports the client; providers found by {@link
 * ServiceLoader} come before the built-in HTTP one. A provider found by {@link ServiceLoader} that
 * names {@linkplain AccessTokenProvider#protocols() protocols} serves only the mailboxes of those
 * protocols: a transport's jar never changes how another transport's mailboxes get tokens. A
 * provider the host passes itself ({@link #standardWith}, {@link #of}) serves every mailbox: that
 * is the host opting in. Safe for concurrent use: one fetch at a time
 * per client and scopes (per client for the refresh-token grant, whose refresh token may rotate).
 * Tokens of a {@linkplain OAuthClient#withSubject client acting for a user} are cached per user.
 *
 * <p>When a server refuses a token, {@link #refresh(OAuthClient, List, AccessToken)} replaces that
 * token only: many connections refused at once cause one fetch, and none evicts a token another
 * thread fetched a moment earlier.
 *
 * <p>Providers save rotated refresh tokens through a store that remembers them first: if the {@link
 * TokenStore} cannot save one, the fetched access token is still used, the refresh token is kept in
 * memory for the next fetch, and the failure is logged at ERROR (without the token) and the save
 * tried again on the next token request. A send never fails because the store did.
 */
public final class AccessTokens {
  /** Tokens are renewed this long before they expire, or half their lifetime when that is shorter. */
  static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);

  /** A cached token and how long before its expiry it is renewed. */
  private record Cached(AccessToken token, Duration margin) {
    boolean usableAt(java.time.Instant now) {
      return now.plus(margin).isBefore(token.expiresAt());
    }
  }

  /** A provider and the protocols whose mailboxes it serves (empty: every protocol). */
  private record Source(AccessTokenProvider provider, java.util.Set<String> protocols) {
    boolean serves(@Nullable String protocol) {
      return protocols.isEmpty() || protocol == null || protocols.contains(protocol.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private final List<Source> providers;
  private final @Nullable String protocol;
  private final TokenStore store;
  private final Clock clock;
  private final Map<String, Cached> cache;
  private final Map<String, Object> locks;
  private final Map<String, List<String>> warnings;
  private final @Nullable SSLContext tls;

  AccessTokens(List<AccessTokenProvider> providers, TokenStore store, Clock clock) {
    this(providers, List.of(), store, clock);
  }

  /**
   * The host's providers serve every protocol; the discovered ones only the protocols they name;
   * the built-in one, when given among {@code discovered} last, names none and serves all.
   */
  AccessTokens(List<AccessTokenProvider> chosen, List<AccessTokenProvider> discovered, TokenStore store, Clock clock) {
    List<Source> sources = new ArrayList<>();
    chosen.forEach(p -> sources.add(new Source(Objects.requireNonNull(p, "provider == null"), java.util.Set.of())));
    discovered.forEach(p -> sources.add(new Source(p, protocols(p))));
    this.providers = List.copyOf(sources);
    this.protocol = null;
    this.store = new RememberingTokenStore(Objects.requireNonNull(store, "store == null"));
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.cache = new ConcurrentHashMap<>();
    this.locks = new ConcurrentHashMap<>();
    this.warnings = new ConcurrentHashMap<>();
    this.tls = null;
  }

  private AccessTokens(AccessTokens shared, @Nullable SSLContext tls, @Nullable String protocol) {
    this.providers = shared.providers;
    this.protocol = protocol;
    this.store = shared.store;
    this.clock = shared.clock;
    this.cache = shared.cache;
    this.locks = shared.locks;
    this.warnings = shared.warnings;
    this.tls = tls;
  }

  /**
   * The same tokens (one cache, one store), fetched over connections that trust what {@code tls}
   * trusts: a transport passes its mailbox's TLS context ({@link org.outmail.spi.Tls#context}) so
   * that the mailbox's trust store applies to the token endpoint too.
   *
   * @param tls the TLS context to fetch tokens with
   * @return a view of this token cache that fetches with {@code tls}
   */
  public AccessTokens withTls(SSLContext tls) {
    return new AccessTokens(this, Objects.requireNonNull(tls, "tls == null"), protocol);
  }

  /**
   * The same tokens (one cache, one store), for the mailboxes of one protocol: providers found by
   * {@link ServiceLoader} that name other protocols are not asked. The registry hands each transport
   * the view of its own protocol.
   *
   * @param protocol the protocol of the mailboxes asking ({@code smtp}, {@code owa})
   * @return a view of this token cache for that protocol
   */
  public AccessTokens forProtocol(String protocol) {
    Objects.requireNonNull(protocol, "protocol == null");
    return new AccessTokens(this, tls, protocol.toLowerCase(java.util.Locale.ROOT));
  }

  private static java.util.Set<String> protocols(AccessTokenProvider provider) {
    java.util.Set<String> named = Objects.requireNonNull(provider.protocols(),
        () -> provider.getClass().getName() + ".protocols() == null");
    return named.stream().map(p -> p.toLowerCase(java.util.Locale.ROOT))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /**
   * Providers found by {@link ServiceLoader}, then the built-in one.
   *
   * @param store where rotated refresh tokens are kept
   * @return a token cache using those providers
   */
  public static AccessTokens standard(TokenStore store) {
    return standardWith(List.of(), store);
  }

  /**
   * The given providers first, then those found by {@link ServiceLoader}, then the built-in one.
   * The given providers serve the mailboxes of every protocol; those found by {@link ServiceLoader}
   * only the protocols they {@linkplain AccessTokenProvider#protocols() name}.
   *
   * @param first the providers asked first, in order
   * @param store where rotated refresh tokens are kept
   * @return a token cache using those providers
   */
  public static AccessTokens standardWith(List<AccessTokenProvider> first, TokenStore store) {
    List<AccessTokenProvider> discovered = new ArrayList<>();
    ServiceLoader.load(AccessTokenProvider.class).forEach(discovered::add);
    discovered.add(new HttpTokenProvider(Duration.ofSeconds(10), Duration.ofSeconds(30)));
    return new AccessTokens(first, discovered, store, Clock.systemUTC());
  }

  /**
   * Exactly these providers, in order, with no built-in fallback.
   *
   * @param providers the providers, in the order they are asked
   * @param store where rotated refresh tokens are kept
   * @return a token cache using those providers
   */
  public static AccessTokens of(List<AccessTokenProvider> providers, TokenStore store) {
    return new AccessTokens(providers, store, Clock.systemUTC());
  }

  /**
   * A token for the client and scopes, from the cache until a minute before it expires, or half its
   * lifetime when that is shorter (a token valid for 60 s is used for 30 s).
   *
   * @param client the OAuth client
   * @param scopes the scopes to ask for
   * @return a token valid for at least another minute (half its lifetime, if that is shorter)
   * @throws OAuthException if no token can be had, or the scopes are empty
   */
  public AccessToken get(OAuthClient client, List<String> scopes) {
    String key = key(client, scopes);
    Cached cached = cache.get(key);
    if (cached != null && cached.usableAt(clock.instant())) {
      return cached.token();
    }
    synchronized (lock(client, key)) {
      cached = cache.get(key);
      if (cached != null && cached.usableAt(clock.instant())) {
        return cached.token();
      }
      return fetch(client, scopes, key);
    }
  }

  /**
   * A token in place of one a server refused (an SMTP {@code 535}, an HTTP {@code 401}). Only the
   * refused token is replaced: if the cache holds another one by now (a caller refused at the
   * same time fetched it), that one is returned and nothing is fetched, so N connections refused
   * at once cause one fetch.
   *
   * @param client the OAuth client
   * @param scopes the scopes the refused token was asked for
   * @param refused the token the server refused, as {@link #get} or this method handed it out
   * @return the token to use in place of the refused one
   * @throws OAuthException if no token can be had, or the scopes are empty
   */
  public AccessToken refresh(OAuthClient client, List<String> scopes, AccessToken refused) {
    Objects.requireNonNull(refused, "refused == null");
    String key = key(client, scopes);
    synchronized (lock(client, key)) {
      Cached cached = cache.get(key);
      if (cached != null && !sameToken(cached.token(), refused) && cached.usableAt(clock.instant())) {
        return cached.token();
      }
      return fetch(client, scopes, key);
    }
  }

  /**
   * A new token, bypassing the cache.
   *
   * @param client the OAuth client
   * @param scopes the scopes to ask for
   * @return the new token, now cached
   * @throws OAuthException if no token can be had, or the scopes are empty
   * @deprecated replaces whatever token is cached, even one another thread fetched a moment
   *     earlier, so that connections refused at once each fetch; use {@link #refresh(OAuthClient,
   *     List, AccessToken)} with the token the server refused.
   */
  @Deprecated
  public AccessToken refresh(OAuthClient client, List<String> scopes) {
    String key = key(client, scopes);
    synchronized (lock(client, key)) {
      return fetch(client, scopes, key);
    }
  }

  /** Called under the key's lock. */
  private AccessToken fetch(OAuthClient client, List<String> scopes, String key) {
    java.time.Instant fetchedAt = clock.instant();
    AccessTokenProvider provider = provider(client);
    AccessToken fresh = client.grant() == OAuthGrant.REFRESH_TOKEN
        ? store.locked(client.name(), () -> provider.fetch(client, scopes, store, tls))
        : provider.fetch(client, scopes, store, tls);
    Duration half = Duration.between(fetchedAt, fresh.expiresAt()).dividedBy(2);
    cache.put(key, new Cached(fresh, half.compareTo(EXPIRY_MARGIN) < 0 ? half : EXPIRY_MARGIN));
    warnings.put(client.name(), fresh.warnings());
    return fresh;
  }

  /**
   * Drops the client's cached access tokens (for every scope and user), so that the next request
   * gets one with the client's current refresh token: the registry's token store calls it when a
   * validation saves a new one.
   *
   * @param clientName the OAuth client's name
   */
  public void forget(String clientName) {
    Objects.requireNonNull(clientName, "clientName == null");
    cache.keySet().removeIf(k -> k.substring(k.indexOf('\u0000') + 1).startsWith(clientName + '\u0000'));
    warnings.remove(clientName);
  }

  /**
   * What the last token response for the client said that an administrator should act on, such as
   * a refresh token tied to the sign-in session; a mailbox's Check shows it.
   *
   * @param client the OAuth client
   * @return the warnings of the last token fetched for the client; empty when none or none fetched
   */
  public List<String> warnings(OAuthClient client) {
    return warnings.getOrDefault(Objects.requireNonNull(client, "client == null").name(), List.of());
  }

  /** One fetch at a time per key; per client for the refresh-token grant, whose token may rotate. */
  private Object lock(OAuthClient client, String key) {
    String lockKey = client.grant() == OAuthGrant.REFRESH_TOKEN ? client.name() + '\u0000' + client.clientId() : key;
    return locks.computeIfAbsent(lockKey, k -> new Object());
  }

  @SuppressWarnings("ReferenceEquality") // the same instance first, then the same token text
  private static boolean sameToken(AccessToken a, AccessToken b) {
    return a == b || a.token().equals(b.token());
  }

  private AccessTokenProvider provider(OAuthClient client) {
    return providers.get(providerIndex(client)).provider();
  }

  /**
   * The first provider serving this view's protocol that supports the client; part of the cache
   * key, so that views of protocols served by different providers keep their tokens apart.
   */
  private int providerIndex(OAuthClient client) {
    for (int i = 0; i < providers.size(); i++) {
      Source s = providers.get(i);
      if (s.serves(protocol) && s.provider().supports(client)) {
        return i;
      }
    }
    List<String> names = providers.stream().filter(s -> s.serves(protocol)).map(s -> s.provider().getClass().getName())
        .toList();
    throw new OAuthException("no access token provider supports OAuth client '" + client.name()
        + "' (provider " + client.provider() + (protocol == null ? "" : ", protocol " + protocol)
        + "); providers found: " + names, null, false, null);
  }

  private String key(OAuthClient client, List<String> scopes) {
    String base = baseKey(client, scopes);
    return providerIndex(client) + "\u0000" + base;
  }

  private static String baseKey(OAuthClient client, List<String> scopes) {
    Objects.requireNonNull(client, "client == null");
    Objects.requireNonNull(scopes, "scopes == null");
    if (scopes.isEmpty()) {
      throw new OAuthException("OAuth client '" + client.name() + "': no scopes to ask a token for", null, false, null);
    }
    return client.name() + '\u0000' + client.clientId() + '\u0000' + client.tokenEndpointKey() + '\u0000'
        + String.join(" ", scopes)
        + '\u0000' + client.subject().orElse("");
  }
}
