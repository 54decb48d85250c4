package org.outmail.internal;

import java.util.Optional;
import java.util.function.Supplier;
import org.outmail.MailboxRegistry;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.TokenStore;

/**
 * The registry's token store as {@link MailboxRegistry#tokenStore()} hands it out: a token saved
 * through it (a validation, which the host runs with this store) drops the client's cached access
 * tokens, so that mail goes with the new grant at once rather than with the old one until it
 * expires. The registry's own token cache saves rotated tokens past it.
 */
final class ForgettingTokenStore implements TokenStore {
  private final TokenStore store;
  private final AccessTokens tokens;

  ForgettingTokenStore(TokenStore store, AccessTokens tokens) {
    this.store = store;
    this.tokens = tokens;
  }

  @Override
  public Optional<org.outmail.Secret> load(String clientName) {
    return store.load(clientName);
  }

  @Override
  public void save(String clientName, org.outmail.Secret refreshToken) {
    store.save(clientName, refreshToken);
    tokens.forget(clientName);
  }

  @Override
  public <T> T locked(String clientName, Supplier<T> action) {
    return store.locked(clientName, action);
  }

  @Override
  public boolean persistent() {
    return store.persistent();
  }

  @Override
  public String toString() {
    return store.toString();
  }
}
