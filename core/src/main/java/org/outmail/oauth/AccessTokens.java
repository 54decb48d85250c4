package org.outmail.oauth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out access tokens, cached per OAuth client and scopes until shortly before they expire.
 * Asks the first {@link AccessTokenProvider} that supports the client; providers found by {@link
 * ServiceLoader} come before the built-in HTTP one.
 */
public final class AccessTokens {
  /** Tokens are renewed this long before they expire. */
  static final long EXPIRY_MARGIN_SECONDS = 60;

  private final List<AccessTokenProvider> providers;
  private final TokenStore store;
  private final Clock clock;
  private final Map<String, AccessToken> cache = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  AccessTokens(List<AccessTokenProvider> providers, TokenStore store, Clock clock) {
    this.providers = List.copyOf(providers);
    this.store = Objects.requireNonNull(store, "store == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /**
   * Providers found by {@link ServiceLoader}, then the built-in one.
   *
   * @param store where rotated refresh tokens are kept
   * @return a token cache using those providers
   */
  public static AccessTokens standard(TokenStore store) {
    List<AccessTokenProvider> providers = new ArrayList<>();
    ServiceLoader.load(AccessTokenProvider.class).forEach(providers::add);
    providers.add(new HttpTokenProvider(Duration.ofSeconds(10), Duration.ofSeconds(30)));
    return new AccessTokens(providers, store, Clock.systemUTC());
  }

  /**
   * The given providers first, then those found by {@link ServiceLoader}, then the built-in one.
   *
   * @param first the providers asked first, in order
   * @param store where rotated refresh tokens are kept
   * @return a token cache using those providers
   */
  public static AccessTokens standardWith(List<AccessTokenProvider> first, TokenStore store) {
    List<AccessTokenProvider> providers = new ArrayList<>(first);
    providers.addAll(standard(store).providers);
    return new AccessTokens(providers, store, Clock.systemUTC());
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
   * A token for the client and scopes, from the cache while it is valid for another minute.
   *
   * @param client the OAuth client
   * @param scopes the scopes, not empty
   * @return a token valid for at least another minute
   * @throws IllegalArgumentException if the scopes are empty
   * @throws OAuthException if no token can be had
   */
  public AccessToken get(OAuthClient client, List<String> scopes) {
    String key = key(client, scopes);
    AccessToken cached = cache.get(key);
    if (cached != null && cached.validFor(clock.instant(), EXPIRY_MARGIN_SECONDS)) {
      return cached;
    }
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      cached = cache.get(key);
      if (cached != null && cached.validFor(clock.instant(), EXPIRY_MARGIN_SECONDS)) {
        return cached;
      }
      AccessToken fresh = provider(client).fetch(client, scopes, store);
      cache.put(key, fresh);
      return fresh;
    }
  }

  /**
   * A new token, bypassing the cache: for a server that refused the cached one (an SMTP {@code
   * 535}, an HTTP {@code 401}).
   *
   * @param client the OAuth client
   * @param scopes the scopes, not empty
   * @return the new token, which replaces the cached one
   * @throws OAuthException if no token can be had
   */
  public AccessToken refresh(OAuthClient client, List<String> scopes) {
    cache.remove(key(client, scopes));
    return get(client, scopes);
  }

  private AccessTokenProvider provider(OAuthClient client) {
    for (AccessTokenProvider p : providers) {
      if (p.supports(client)) {
        return p;
      }
    }
    List<String> names = providers.stream().map(p -> p.getClass().getName()).toList();
    throw new OAuthException("no access token provider supports OAuth client '" + client.name()
        + "' (provider " + client.provider() + "); providers found: " + names, null, false, null);
  }

  private static String key(OAuthClient client, List<String> scopes) {
    Objects.requireNonNull(client, "client == null");
    Objects.requireNonNull(scopes, "scopes == null");
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("scopes must not be empty");
    }
    return client.name() + '\u0000' + client.clientId() + '\u0000' + client.tokenEndpoint() + '\u0000' + String.join(" ", scopes);
  }
}
