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

  public String filename() {
    return filename;
  }

  public String contentType() {
    return contentType;
  }

  /** The content, a copy. */
  public byte[] content() {
    return content.clone();
  }

  /** The content read as UTF-8 text. */
  public String contentAsText() {
    return new String(content, StandardCharsets.UTF_8);
  }

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
