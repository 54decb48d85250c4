package org.outmail.oauth;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.outmail.Secret;

/**
 * Keeps refresh tokens between restarts. A provider that rotates refresh tokens hands out a new
 * one with each access token; unless it is saved, the next start of the host fails.
 *
 * <p>{@link AccessTokens} hands providers a store that keeps a rotated refresh token in memory
 * before it saves it here: when {@link #save} throws, the fetched access token is still used, the
 * failure is logged at ERROR (naming the client and the store, never the token), later fetches of
 * this process use the token from memory, and the save is tried again on the next token request.
 */
public interface TokenStore {
  /**
   * {@return the refresh token saved for the OAuth client, if any}
   *
   * @param clientName the OAuth client's name
   * @throws org.outmail.MailException (such as {@link TokenStoreException}) if the store cannot be read
   */
  Optional<Secret> load(String clientName);

  /**
   * Saves a (rotated) refresh token for the OAuth client, replacing the one saved before.
   *
   * @param clientName the OAuth client's name
   * @param refreshToken the refresh token to keep
   * @throws org.outmail.MailException (such as {@link TokenStoreException}) if it cannot be saved
   */
  void save(String clientName, Secret refreshToken);

  /**
   * Runs a refresh of the client's token so that no other process sharing this store refreshes it at
   * the same time: {@link AccessTokens} calls it around each refresh-token request, and the {@link
   * #load} and {@link #save} the action makes see and keep the latest token. A store shared by
   * several nodes (a database) holds a lock on the client's entry meanwhile; the default runs the
   * action as it is.
   *
   * @param clientName the OAuth client's name
   * @param action the refresh: loads the refresh token, asks the token endpoint, saves the rotated one
   * @param <T> what the action returns
   * @return what the action returned
   * @throws org.outmail.MailException (such as {@link TokenStoreException}) if the lock cannot be had
   */
  default <T> T locked(String clientName, java.util.function.Supplier<T> action) {
    return action.get();
  }

  /**
   * Whether saved tokens outlive this process. The CLI refuses to validate a client into a store
   * that forgets: the administrator's sign-in would be lost when it exits.
   *
   * @return {@code true} unless the store keeps tokens in memory only
   */
  default boolean persistent() {
    return true;
  }

  /** {@return a store that forgets on restart; for tests and app-only clients} */
  static TokenStore inMemory() {
    Map<String, Secret> map = new ConcurrentHashMap<>();
    return new TokenStore() {
      @Override
      public Optional<Secret> load(String clientName) {
        return Optional.ofNullable(map.get(clientName));
      }

      @Override
      public void save(String clientName, Secret refreshToken) {
        map.put(clientName, refreshToken);
      }

      @Override
      public boolean persistent() {
        return false;
      }

      @Override
      public String toString() {
        return "in-memory token store";
      }
    };
  }

  /**
   * A store in a properties file, readable and writable by its owner only (where the file system
   * supports POSIX permissions), replaced atomically on each save after its content reached the
   * disk; saves from several processes are serialised by a lock on {@code FILE.lock}.
   *
   * @param file the properties file; created on the first save if it does not exist
   * @return the store
   */
  static TokenStore file(Path file) {
    return new FileTokenStore(file, null);
  }

  /**
   * A store in a properties file as {@link #file(Path)}, each token sealed with the host's key
   * (AES-GCM, bound to the client's name) as the JDBC stores seal secrets. A token saved in the
   * clear before is read and sealed on its next save.
   *
   * @param file the properties file; created on the first save if it does not exist
   * @param key the key tokens are sealed with
   * @return the store
   */
  static TokenStore file(Path file, org.outmail.SecretsKey key) {
    return new FileTokenStore(file, java.util.Objects.requireNonNull(key, "key == null"));
  }
}
