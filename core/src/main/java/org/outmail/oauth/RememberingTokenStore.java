package org.outmail.oauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.outmail.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store {@link AccessTokens} hands to providers, in front of the host's: a rotated refresh
 * token is kept in memory until the host's store has saved it, so a failed save neither fails the
 * fetch that got the token nor loses the token. The failure is logged at ERROR (the client, the
 * store and the error, never the token) and the save is tried again on the next load or save.
 */
final class RememberingTokenStore implements TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(RememberingTokenStore.class);

  private final TokenStore store;
  private final Map<String, Secret> unsaved = new ConcurrentHashMap<>();

  RememberingTokenStore(TokenStore store) {
    this.store = Objects.requireNonNull(store, "store == null");
  }

  /** The token not yet saved, if there is one (it is newer than the store's), else the store's. */
  @Override
  public synchronized Optional<Secret> load(String clientName) {
    saveUnsaved();
    Secret pending = unsaved.get(clientName);
    return pending != null ? Optional.of(pending) : store.load(clientName);
  }

  /** Remembers the token, then saves it (and any earlier one that could not be saved). Never throws. */
  @Override
  public synchronized void save(String clientName, Secret refreshToken) {
    unsaved.put(Objects.requireNonNull(clientName, "clientName == null"),
        Objects.requireNonNull(refreshToken, "refreshToken == null"));
    saveUnsaved();
  }

  @Override
  public <T> T locked(String clientName, java.util.function.Supplier<T> action) {
    return store.locked(clientName, action);
  }

  @Override
  public boolean persistent() {
    return store.persistent();
  }

  /** Whether a token of the client waits to be saved again. */
  synchronized boolean hasUnsaved(String clientName) {
    return unsaved.containsKey(clientName);
  }

  private void saveUnsaved() {
    for (Map.Entry<String, Secret> e : new ArrayList<>(unsaved.entrySet())) {
      try {
        store.save(e.getKey(), e.getValue());
        unsaved.remove(e.getKey(), e.getValue());
      } catch (RuntimeException failure) {
        LOG.error("OAuth client '{}': cannot save the rotated refresh token in {} ({}); it is kept in memory"
            + " and saved again on the next token request; a restart before then loses it",
            e.getKey(), store, describe(failure).replace(e.getValue().value(), "****"));
      }
    }
  }

  private static String describe(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 3; t = t.getCause()) {
      parts.add(t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }
    return String.join("; caused by ", parts);
  }

  @Override
  public String toString() {
    return store.toString();
  }
}
