package org.outmail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.outmail.internal.Addresses;

/**
 * A file attached to an {@link Email}: from bytes held in memory, from a {@link Path} that is
 * read only when the mail is sent, as a stream, or from a {@link Source} that opens a stream (a
 * queue's stored copy). Immutable; the factories check the file name and content type at once and
 * throw {@link InvalidEmailException} saying what is wrong.
 */
public final class Attachment {
  private static final Pattern CONTENT_TYPE = Pattern.compile(
      "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\\s*;\\s*[A-Za-z0-9!#$&^_.+-]+=(\"[^\"\\\\]*\"|[A-Za-z0-9!#$&^_.+-]+))*");

  private final String filename;
  private final String contentType;
  private final byte @Nullable [] bytes;
  private final @Nullable Path path;
  private final @Nullable Source source;
  private final long sourceSize;

  private Attachment(String filename, String contentType, byte @Nullable [] bytes, @Nullable Path path) {
    this(filename, contentType, bytes, path, null, -1);
  }

  private Attachment(String filename, String contentType, byte @Nullable [] bytes, @Nullable Path path,
      @Nullable Source source, long sourceSize) {
    this.filename = filename;
    this.contentType = contentType;
    this.bytes = bytes;
    this.path = path;
    this.source = source;
    this.sourceSize = sourceSize;
  }

  /** Opens the content of a {@link #of(String, String, long, Source) streamed} attachment, anew each time. */
  @FunctionalInterface
  public interface Source {
    /**
     * Opens the content.
     *
     * @return a new stream over the whole content; the caller closes it
     * @throws IOException if the content cannot be opened
     */
    InputStream open() throws IOException;
  }

  /**
   * An attachment whose content is opened from the source when the mail is sent, as a stream,
   * possibly several times (once per attempt). For content kept elsewhere than in a file, such as
   * a queue's stored copy.
   *
   * @param filename the file name shown to the recipient, without a path
   * @param contentType a MIME type such as {@code application/pdf}
   * @param size the exact size in bytes
   * @param source opens the content, each time it is sent
   * @return the attachment
   * @throws InvalidEmailException for a bad file name or content type, or a negative size
   */
  public static Attachment of(String filename, String contentType, long size, Source source) {
    Objects.requireNonNull(source, "source == null");
    if (size < 0) {
      throw new InvalidEmailException("attachment", "attachment size must not be negative, was " + size);
    }
    return new Attachment(checkName(filename), checkType(contentType), null, null, source, size);
  }

  /**
   * Makes an attachment from bytes (copied).
   *
   * @param filename the file name shown to the recipient, without a path
   * @param contentType the MIME type, {@code type/subtype} with optional parameters
   * @param content the content
   * @return the attachment
   * @throws InvalidEmailException for a blank file name, one with a path separator or a control
   *     character, or a content type not of the form {@code type/subtype}
   */
  public static Attachment of(String filename, String contentType, byte[] content) {
    Objects.requireNonNull(content, "content == null");
    return new Attachment(checkName(filename), checkType(contentType), content.clone(), null);
  }

  /**
   * Makes an attachment read from a file when the mail is sent. The file must exist and be readable
   * now.
   *
   * @param filename the file name shown to the recipient, without a path
   * @param contentType the MIME type, {@code type/subtype} with optional parameters
   * @param file the file to read the content from
   * @return the attachment
   * @throws InvalidEmailException for a file that is not a readable file, or as {@link
   *     #of(String, String, byte[])}
   */
  public static Attachment of(String filename, String contentType, Path file) {
    Objects.requireNonNull(file, "file == null");
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidEmailException("attachment", "attachment file " + file + " is not a readable file");
    }
    return new Attachment(checkName(filename), checkType(contentType), null, file);
  }

  private static String checkName(String filename) {
    Objects.requireNonNull(filename, "filename == null");
    if (filename.isBlank()) {
      throw new InvalidEmailException("attachment filename", "attachment filename must not be blank");
    }
    Addresses.checkHeaderText(filename, "attachment filename");
    if (filename.contains("/") || filename.contains("\\")) {
      throw new InvalidEmailException("attachment filename",
          "attachment filename must not contain a path separator: '" + filename + "'");
    }
    return filename;
  }

  private static String checkType(String contentType) {
    Objects.requireNonNull(contentType, "contentType == null");
    if (!CONTENT_TYPE.matcher(contentType).matches()) {
      throw new InvalidEmailException("attachment content type",
          "attachment content type '" + contentType.replaceAll("[\\r\\n]", "?")
              + "' is not of the form type/subtype");
    }
    return contentType;
  }

  /** {@return the file name shown to the recipient} */
  public String filename() {
    return filename;
  }

  /** {@return the MIME type, with its parameters if any were given} */
  public String contentType() {
    return contentType;
  }

  /** {@return the file this attachment is read from, if it was given as one} */
  public java.util.Optional<Path> path() {
    return java.util.Optional.ofNullable(path);
  }

  /** {@return the size in bytes, if known without reading the content} */
  public OptionalLong size() {
    if (bytes != null) {
      return OptionalLong.of(bytes.length);
    }
    if (source != null) {
      return OptionalLong.of(sourceSize);
    }
    try {
      return OptionalLong.of(Files.size(path));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Opens the content; the caller closes the stream. A file is read as a stream, never whole.
   *
   * @return a new stream over the content
   * @throws IOException if the file cannot be opened
   */
  public InputStream open() throws IOException {
    if (source != null) {
      return source.open();
    }
    return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(path);
  }

  /**
   * Reads the whole content into memory. Meant for small attachments only.
   *
   * @return the content; a copy, which the caller may change
   * @throws InvalidEmailException if the file can no longer be read (it was readable when the
   *     attachment was made), naming the file and the I/O error
   */
  public byte[] readAllBytes() {
    if (bytes != null) {
      return bytes.clone();
    }
    try {
      if (source != null) {
        try (InputStream in = source.open()) {
          return in.readAllBytes();
        }
      }
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InvalidEmailException("attachment",
          (path != null ? "attachment file " + path : "attachment " + filename)
              + " cannot be read: "
              + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
          e);
    }
  }

  @Override
  public String toString() {
    return "Attachment{" + filename + ", " + contentType + "}";
  }
}
