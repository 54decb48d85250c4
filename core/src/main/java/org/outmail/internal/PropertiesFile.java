package org.outmail.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxConfigException;

/**
 * Reads a properties file as {@link Properties#load(java.io.Reader)} does (comments, continuation
 * lines, escapes), but strictly: the file must be UTF-8 (a leading byte order mark is skipped), and
 * a key given twice is an error naming both lines instead of the last one silently winning.
 *
 * <p>The file is cut into logical lines here, following {@code Properties}' rules, and each logical
 * line is given to {@code Properties} itself, so keys and values are unescaped exactly as it does.
 */
final class PropertiesFile {
  /** A value and the line (from 1) where its logical line starts. */
  record Entry(String value, int line) {}

  /** The largest configuration file read: 16 MiB. */
  static final long MAX_BYTES = 16L * 1024 * 1024;

  private PropertiesFile() {}

  /**
   * The entries of the file, in the order of the file.
   *
   * @throws MailboxConfigException if the file is not found, is not a regular file, cannot be read,
   *     is not UTF-8 or sets a key twice
   */
  static Map<String, Entry> read(Path file) {
    byte[] bytes = bytes(file);
    String text = decode(file, bytes);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String[] lines = text.split("\r\n|\r|\n", -1);
    Map<String, Entry> entries = new LinkedHashMap<>();
    int i = 0;
    while (i < lines.length) {
      int first = i;
      String content = stripLeadingWhitespace(lines[i++]);
      if (content.isEmpty() || content.charAt(0) == '#' || content.charAt(0) == '!') {
        continue; // blank or comment: never continued, whatever it ends with
      }
      StringBuilder logical = new StringBuilder(lines[first]);
      while (endsInOddBackslashes(content) && i < lines.length) {
        logical.append('\n').append(lines[i]);
        content = stripLeadingWhitespace(lines[i++]);
        if (content.isEmpty()) {
          break; // an empty continuation line ends the logical line
        }
      }
      OneEntry one = new OneEntry();
      try {
        one.load(new StringReader(logical.toString()));
      } catch (IOException | IllegalArgumentException e) {
        throw new MailboxConfigException(null, null, "mailbox configuration " + file + " is malformed at line "
            + (first + 1) + ": " + e.getMessage(), e);
      }
      if (one.key == null) {
        continue;
      }
      Entry earlier = entries.putIfAbsent(one.key, new Entry(one.value, first + 1));
      if (earlier != null) {
        throw new MailboxConfigException(null, one.key, one.key + ": set twice in " + file + ", on lines "
            + earlier.line() + " and " + (first + 1));
      }
    }
    return entries;
  }

  /**
   * The file's bytes. Only a regular file of at most {@link #MAX_BYTES} is read (a device such as
   * {@code /dev/zero} would be read forever); each failure names the file and says what is wrong
   * in words, never as an exception's class name.
   */
  private static byte[] bytes(Path file) {
    String cannot = "cannot read mailbox configuration " + file + ": ";
    try {
      if (!Files.exists(file)) {
        Path folder = file.toAbsolutePath().getParent();
        throw new MailboxConfigException(null, null, cannot + "not found"
            + (folder == null || Files.isDirectory(folder) ? ""
                : " (its folder " + folder + " does not exist either)"));
      }
      if (!Files.isRegularFile(file)) {
        throw new MailboxConfigException(null, null, cannot + "not a regular file"
            + (Files.isDirectory(file) ? " (a directory)" : ""));
      }
      if (!Files.isReadable(file)) {
        throw new MailboxConfigException(null, null, cannot + "cannot be read (permission denied)");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new MailboxConfigException(null, null, cannot + "larger than " + MAX_BYTES / (1024 * 1024)
            + " MiB, which no mailbox configuration needs");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new MailboxConfigException(null, null, cannot + "not found", e);
    } catch (AccessDeniedException e) {
      throw new MailboxConfigException(null, null, cannot + "cannot be read (permission denied)", e);
    } catch (IOException e) {
      throw new MailboxConfigException(null, null, cannot + "cannot be read ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
    }
  }

  /** The text of UTF-8 bytes; an invalid sequence is an error naming its line, never its bytes. */
  private static String decode(Path file, byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new MailboxConfigException(null, null, "mailbox configuration " + file + " is not UTF-8: line "
          + lineOf(bytes, in.position()) + " has a byte that is not valid UTF-8 (save the file as UTF-8)");
    }
    return out.flip().toString();
  }

  /** The line (from 1) of a byte offset, counting CR LF, CR and LF as line ends. */
  private static int lineOf(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n'))) {
        line++;
      }
    }
    return line;
  }

  /** Leading spaces, tabs and form feeds removed, as {@code Properties} skips them. */
  private static String stripLeadingWhitespace(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t' || line.charAt(i) == '\f')) {
      i++;
    }
    return line.substring(i);
  }

  private static boolean endsInOddBackslashes(String line) {
    int n = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  /** Catches the one entry a logical line holds, as {@link Properties#load} puts it. */
  private static final class OneEntry extends Properties {
    private static final long serialVersionUID = 1L;
    private transient @Nullable String key;
    private transient String value = "";

    @Override
    public synchronized @Nullable Object put(Object k, Object v) {
      key = (String) k;
      value = (String) v;
      return null;
    }
  }
}
