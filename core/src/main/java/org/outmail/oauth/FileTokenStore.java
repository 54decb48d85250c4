package org.outmail.oauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.BoundedFiles;
import org.outmail.Secret;
import org.outmail.SecretsKey;

/**
 * {@link TokenStore#file(Path)}: one properties file. Each save reads the file, changes one entry,
 * writes a temporary file (owner-only), forces it to disk and moves it over the old one atomically,
 * all under an exclusive lock on {@code FILE.lock}, so a CLI validating a client while the host
 * runs loses neither's token. I/O errors are {@link TokenStoreException}s naming the file, never
 * the token.
 */
final class FileTokenStore implements TokenStore {
  /** How a value {@link SecretsKey#seal} made begins. */
  private static final String SEALED = "v1:";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path file;
  private final Path lockFile;
  private final @Nullable SecretsKey key;

  /** A store of the file; tokens sealed with {@code key} unless it is null. */
  FileTokenStore(Path file, @Nullable SecretsKey key) {
    this.file = Objects.requireNonNull(file, "file == null").toAbsolutePath();
    this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
    this.key = key;
  }

  @Override
  public synchronized Optional<Secret> load(String clientName) {
    String value = read().getProperty(clientName);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    boolean sealed = value.startsWith(SEALED);
    if (!sealed) {
      return Optional.of(Secret.of(value)); // saved in the clear: sealed on its next save when a key is given
    }
    if (key == null) {
      throw new TokenStoreException("the refresh token of OAuth client '" + clientName + "' in " + file + " is sealed"
          + " with a secrets key (id " + value.split(":", 3)[1] + "): give the store that key", null);
    }
    try {
      return Optional.of(key.open(value, context(clientName)));
    } catch (IllegalArgumentException e) {
      throw new TokenStoreException("cannot open the refresh token of OAuth client '" + clientName + "' in " + file
          + ": " + e.getMessage(), e);
    }
  }

  /** What a sealed token is bound to: the client it belongs to. */
  private static String context(String clientName) {
    return "token:" + clientName;
  }

  @Override
  public synchronized void save(String clientName, Secret refreshToken) {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel lock = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          ownerOnly())) {
        FileLock held = exclusive(lock);
        try {
          Properties p = read();
          p.setProperty(clientName, key == null ? refreshToken.value() : key.seal(refreshToken, context(clientName)));
          write(p);
        } finally {
          held.release();
        }
      }
    } catch (IOException e) {
      throw new TokenStoreException("cannot save the refresh token of OAuth client '" + clientName + "' in " + file
          + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
  }

  /**
   * The lock on the lock file. Another store of this JVM on the same file (a second registry) makes
   * the JDK throw instead of wait: wait for it here, up to ten seconds.
   */
  private FileLock exclusive(FileChannel channel) throws IOException {
    for (int attempt = 0;; attempt++) {
      try {
        return channel.lock();
      } catch (OverlappingFileLockException e) {
        if (attempt >= 1000) {
          throw new IOException("another token store of this process holds " + lockFile + " for more than 10 s");
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for " + lockFile, interrupted);
        }
      }
    }
  }

  private void write(Properties p) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Writer w = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
      p.store(w, "outmail refresh tokens");
    }
    Path tmp = Files.createTempFile(file.getParent(), ".tokens", ".tmp", ownerOnly());
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
  }

  private Properties read() {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try {
        p.load(new StringReader(BoundedFiles.readUtf8(file, BoundedFiles.DEFAULT_MAX_BYTES)));
      } catch (IOException e) {
        throw new TokenStoreException("token store " + file + " " + BoundedFiles.problem(e), e);
      }
    }
    return p;
  }

  @Override
  public String toString() {
    return "FileTokenStore[" + file + (key == null ? "" : ", sealed with key " + key.id()) + "]";
  }
}
