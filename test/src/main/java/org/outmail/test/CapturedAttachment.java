package org.outmail.test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/** An attachment of a {@link CapturedMail}: its name, content type and the bytes that would have gone out. Immutable. */
public final class CapturedAttachment {
  private final String filename;
  private final String contentType;
  private final byte[] content;

  CapturedAttachment(String filename, String contentType, byte[] content) {
    this.filename = Objects.requireNonNull(filename, "filename == null");
    this.contentType = Objects.requireNonNull(contentType, "contentType == null");
    this.content = content.clone();
  }

  /** {@return the file name shown to the recipient} */
  public String filename() {
    return filename;
  }

  /** {@return the MIME type, with its parameters if any were given} */
  public String contentType() {
    return contentType;
  }

  /** {@return the content, a copy} */
  public byte[] content() {
    return content.clone();
  }

  /** {@return the content read as UTF-8 text} */
  public String contentAsText() {
    return new String(content, StandardCharsets.UTF_8);
  }

  /** {@return the size of the content in bytes} */
  public int size() {
    return content.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CapturedAttachment a && filename.equals(a.filename) && contentType.equals(a.contentType)
        && Arrays.equals(content, a.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(filename, contentType, Arrays.hashCode(content));
  }

  @Override
  public String toString() {
    return filename + " (" + contentType + ", " + content.length + " bytes)";
  }
}
