package org.outmail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Reads a file whose path an administrator typed (a trust store, a key, a secret, a token store)
 * without trusting that path: only a regular file (symbolic links to one are followed) and only up
 * to a size cap. A device such as {@code /dev/zero}, a directory or a named pipe is refused before
 * it is opened, so that a mistyped or malicious path can neither exhaust the heap nor block a
 * thread forever. The library reads every such file through this class; transports that read files
 * of their own should too.
 */
public final class BoundedFiles {
  /** The largest trust store, key or token store the library reads: 4 MiB. */
  public static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

  private BoundedFiles() {}

  /**
   * Reads a regular file whole.
   *
   * @param path the file
   * @param maxBytes the most it may hold
   * @return its bytes
   * @throws IOException if it cannot be read, is not a regular file ("is not a regular file (a
   *     directory)"), or holds more than {@code maxBytes}; the message says which, never the content
   */
  public static byte[] read(Path path, int maxBytes) throws IOException {
    Objects.requireNonNull(path, "path == null");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      throw new Refused("is not a regular file (" + (a.isDirectory() ? "a directory"
          : a.isOther() ? "a device, pipe or socket" : "not a file") + ")");
    }
    if (a.size() > maxBytes) {
      throw new Refused("is larger than " + limit(maxBytes) + " (" + a.size() + " bytes)");
    }
    try (InputStream in = Files.newInputStream(path)) {
      // the file may have grown since its size was read
      byte[] content = in.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
      if (content.length > maxBytes) {
        throw new Refused("is larger than " + limit(maxBytes));
      }
      return content;
    }
  }

  /**
   * Reads a regular file whole as UTF-8.
   *
   * @param path the file
   * @param maxBytes the most it may hold, in bytes
   * @return its text
   * @throws IOException as {@link #read(Path, int)} does, or if it is not UTF-8 ("is not UTF-8 text")
   */
  public static String readUtf8(Path path, int maxBytes) throws IOException {
    byte[] bytes = read(path, maxBytes);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Refused("is not UTF-8 text");
    }
  }

  /**
   * What went wrong, for a message that goes on to name the setting and the path: the refusal as
   * {@link #read} words it ("is not a regular file (a directory)", "is larger than 4 MiB ..."), or
   * "cannot be read (NoSuchFileException)" for a failure of the file system.
   *
   * @param e what {@link #read} or {@link #readUtf8} threw
   * @return the problem, to follow the file's path
   */
  public static String problem(IOException e) {
    return e instanceof Refused refused ? refused.problem : "cannot be read (" + e.getClass().getSimpleName() + ")";
  }

  /** A file refused for what it is, not for a failure to read it. */
  private static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    /** The refusal, worded to follow the file's path; the message too. */
    private final String problem;

    Refused(String message) {
      super(message);
      this.problem = message;
    }
  }

  private static String limit(int maxBytes) {
    return maxBytes % (1024 * 1024) == 0 ? maxBytes / (1024 * 1024) + " MiB"
        : maxBytes % 1024 == 0 ? maxBytes / 1024 + " KiB" : maxBytes + " bytes";
  }
}
