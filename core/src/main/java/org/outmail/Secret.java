package org.outmail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.function.Function;

/**
 * A password, client secret or token. Its {@link #toString()} never shows the value, and outmail
 * never puts it in an exception message or a log line.
 *
 * <p>A secret is a literal ({@link #of}), an environment variable ({@link #env}) or the content
 * of a file ({@link #file}, trailing line breaks removed). In a properties file the same three
 * are written {@code value}, {@code ${env:NAME}} and {@code ${file:/path}}.
 */
public final class Secret {
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
   * @throws IllegalArgumentException if the file cannot be read or is empty
   */
  public static Secret file(Path path) {
    Objects.requireNonNull(path, "path == null");
    String value;
    try {
      value = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read secret file " + path + ": " + e.getClass().getSimpleName());
    }
    value = value.replaceAll("[\\r\\n]+$", "");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("secret file " + path + " is empty");
    }
    return new Secret(value, "file:" + path);
  }

  /**
   * Parses the properties form: {@code ${env:NAME}}, {@code ${file:path}}, or a literal.
   *
   * @param text {@code ${env:NAME}}, {@code ${file:path}} or a literal secret
   * @return the secret
   * @throws IllegalArgumentException if a reference cannot be resolved
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
  public static Secret parse(String text, Function<String, String> environment) {
    Objects.requireNonNull(environment, "environment == null");
    Objects.requireNonNull(text, "text == null");
    if (text.startsWith("${") && text.endsWith("}")) {
      String ref = text.substring(2, text.length() - 1);
      if (ref.startsWith("env:")) {
        return env(ref.substring(4), environment);
      }
      if (ref.startsWith("file:")) {
        return file(Path.of(ref.substring(5)));
      }
      throw new IllegalArgumentException("unknown secret reference ${" + ref.replaceAll(":.*", "") + ":...}; use ${env:NAME} or ${file:path}");
    }
    return of(text);
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
