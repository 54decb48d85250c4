package org.outmail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A password, client secret or token. Its {@link #toString()} never shows the value, and outmail
 * never puts it in an exception message or a log line.
 *
 * <p>A secret is a literal ({@link #of}), an environment variable ({@link #env}) or the content
 * of a file ({@link #file}, trailing line breaks removed). In a properties file the same three
 * are written {@code value}, {@code ${env:NAME}} and {@code ${file:/path}}; loaded from a file, a
 * relative {@code ${file:path}} is read from that file's folder.
 */
public final class Secret {
  /** The largest secret file read: a password, a client secret or a key, never more than 64 KiB. */
  private static final int MAX_FILE_BYTES = 64 * 1024;
  /** {@code ${KIND:}}, the kind a word short enough to name without showing part of a would-be secret. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_-]{0,15}):");
  private static final String FORMS = "use ${env:NAME} or ${file:path}";

  private final String value;
  private final String source;

  private Secret(String value, String source) {
    this.value = value;
    this.source = source;
  }

  /**
   * A secret given as it is.
   *
   * @param value the secret, not empty
   * @return the secret, with source {@code literal}
   * @throws IllegalArgumentException if the value is empty
   */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value == null");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    return new Secret(value, "literal");
  }

  /**
   * The value of an environment variable, read now.
   *
   * @param name the variable's name
   * @return the secret, with source {@code env:NAME}
   * @throws IllegalArgumentException if the variable is not set or is empty
   */
  public static Secret env(String name) {
    return env(name, System::getenv);
  }

  static Secret env(String name, Function<String, String> environment) {
    Objects.requireNonNull(name, "name == null");
    String value = environment.apply(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    return new Secret(value, "env:" + name);
  }

  /**
   * The content of a file, read now, without trailing line breaks.
   *
   * @param path the file, read as UTF-8
   * @return the secret, with source {@code file:path}
   * @throws IllegalArgumentException if the file cannot be read, is not a regular file, holds more
   *     than 64 KiB or is empty
   */
  public static Secret file(Path path) {
    Objects.requireNonNull(path, "path == null");
    String value;
    try {
      value = BoundedFiles.readUtf8(path, MAX_FILE_BYTES);
    } catch (IOException e) {
      throw new IllegalArgumentException("secret file " + path + " " + BoundedFiles.problem(e));
    }
    value = value.replaceAll("[\\r\\n]+$", "");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("secret file " + path + " is empty");
    }
    return new Secret(value, "file:" + path);
  }

  /**
   * Parses the properties form: {@code ${env:NAME}}, {@code ${file:path}}, or a literal. Text that
   * starts with <code>${</code> is always a reference: an incomplete or unknown one is an error, never
   * a literal password.
   *
   * @param text {@code ${env:NAME}}, {@code ${file:path}} or a literal secret
   * @return the secret
   * @throws IllegalArgumentException if a reference is incomplete, unknown or cannot be resolved; the
   *     message names the kind of reference, never the text
   */
  public static Secret parse(String text) {
    return parse(text, System::getenv);
  }

  /**
   * Like {@link #parse(String)}, resolving {@code ${env:NAME}} with the given environment (a Spring
   * {@code Environment}, a test's map).
   *
   * @param text {@code ${env:NAME}}, {@code ${file:path}} or a literal secret
   * @param environment the value of a variable by its name, {@code null} when it is not set
   * @return the secret
   * @throws IllegalArgumentException if a reference cannot be resolved
   */
  public static Secret parse(String text, Function<String, @Nullable String> environment) {
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(text, "text == null");
    if (!text.startsWith("${")) {
      return of(text);
    }
    Matcher m = REFERENCE.matcher(text);
    if (!m.lookingAt()) {
      throw new IllegalArgumentException("starts with ${ but is not a secret reference; " + FORMS);
    }
    String kind = m.group(1);
    String form;
    if (kind.equals("env")) {
      form = "${env:NAME}";
    } else if (kind.equals("file")) {
      form = "${file:path}";
    } else {
      throw new IllegalArgumentException("is an unknown secret reference ${" + kind + ":...}; " + FORMS);
    }
    int close = text.indexOf('}', m.end());
    if (close < 0) {
      throw incomplete(form, "the closing } is missing");
    }
    if (close != text.length() - 1) {
      throw incomplete(form, "there is text after the closing }");
    }
    String ref = text.substring(m.end(), close);
    if (kind.equals("env")) {
      if (ref.isEmpty()) {
        throw incomplete(form, "the name is empty");
      }
      return env(ref, environment);
    }
    if (ref.isEmpty()) {
      throw incomplete(form, "the path is empty");
    }
    return file(Path.of(ref));
  }

  /**
   * A complete {@code ${file:path}} reference whose path is relative is made absolute against
   * {@code base}; any other text is returned as it is.
   */
  static String resolveFileReference(String text, Path base) {
    if (text.startsWith("${file:") && text.indexOf('}') == text.length() - 1 && text.length() > "${file:}".length()) {
      try {
        Path path = Path.of(text.substring("${file:".length(), text.length() - 1));
        if (!path.isAbsolute()) {
          return "${file:" + base.resolve(path).normalize() + "}";
        }
      } catch (java.nio.file.InvalidPathException e) {
        return text; // parse says what is wrong with it
      }
    }
    return text;
  }

  private static IllegalArgumentException incomplete(String form, String problem) {
    return new IllegalArgumentException("is not a complete " + form + " reference: " + problem);
  }

  /**
   * The text with every occurrence of the secrets' values replaced by {@code ****}: as they are,
   * URL-encoded (a form echoed back) and JSON-escaped. For server-supplied text (an error
   * description, a reply line) before it reaches an exception, a result or a log.
   *
   * @param text the text, may be {@code null}
   * @param secrets the secrets to hide; {@code null} elements are skipped
   * @return the text with the secrets hidden, or {@code null} when the text is {@code null}
   */
  public static @Nullable String redact(@Nullable String text, Iterable<Secret> secrets) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (Secret secret : secrets) {
      if (secret != null) {
        out = redact(out, secret.value);
      }
    }
    return out;
  }

  /**
   * Like {@link #redact(String, Iterable)}, for plain values such as tokens.
   *
   * @param text the text, may be {@code null}
   * @param value the value to hide; one shorter than 4 characters, or {@code null}, is left as it
   *     is
   * @return the text with the value hidden, or {@code null} when the text is {@code null}
   */
  public static @Nullable String redact(@Nullable String text, @Nullable String value) {
    if (text == null || value == null || value.length() < 4) {
      return text;
    }
    String out = text.replace(value, "****");
    String encoded = java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    if (!encoded.equals(value)) {
      out = out.replace(encoded, "****").replace(encoded.replace("+", "%20"), "****");
    }
    String json = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/");
    if (!json.equals(value)) {
      out = out.replace(json, "****");
    }
    return out;
  }

  /** {@return the secret itself} Callers must not log it. */
  public String value() {
    return value;
  }

  /**
   * {@return where the value came from ({@code literal}, {@code env:NAME}, {@code file:path}); safe
   * to print}
   */
  public String source() {
    return source;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // no information about the value
  }

  @Override
  public String toString() {
    return "Secret[****]";
  }

}
