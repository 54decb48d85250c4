package org.outmail.oauth;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.outmail.Secret;

/**
 * {@link TokenStore#file(Path)}: one properties file, rewritten atomically on each save. I/O errors
 * are {@link TokenStoreException}s naming the file, never the token.
 */
final class FileTokenStore implements TokenStore {
  private final Path file;

  FileTokenStore(Path file) {
    this.file = Objects.requireNonNull(file, "file == null").toAbsolutePath();
  }

  @Override
  public synchronized Optional<Secret> load(String clientName) {
    String value = read().getProperty(clientName);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(Secret.of(value));
  }

  @Override
  public synchronized void save(String clientName, Secret refreshToken) {
    Properties p = read();
    p.setProperty(clientName, refreshToken.value());
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".tokens", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "outmail refresh tokens");
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new TokenStoreException("cannot save the refresh token of OAuth client '" + clientName + "' in " + file
          + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
  }

  private Properties read() {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new TokenStoreException("cannot read token store " + file + ": " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
      }
    }
    return p;
  }

  @Override
  public String toString() {
    return "FileTokenStore[" + file + "]";
  }
}
