package org.outmail;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.outmail.internal.Addresses;

/**
 * The description of one configuration setting: its name, type, default, whether it is required
 * or secret, the values it allows and a one-line help text.
 *
 * <p>Mailboxes ({@link Mailbox#textForm()}), OAuth clients and each transport provider ({@link
 * org.outmail.spi.TransportProvider#settings()}) publish their settings this way, and this one
 * description drives the properties loader (unknown keys and bad values are errors that name the
 * key), the command-line tool's listing, the admin console's form and the Spring configuration
 * metadata. Immutable.
 */
public final class Setting {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*(\\.[a-z][a-z0-9]*(-[a-z0-9]+)*)*");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  /** What kind of value a setting takes, and how its text form is read. */
  public enum Type {
    /** Free text on one line. */
    TEXT,
    /** A whole number. */
    INTEGER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 3d} or ISO-8601 {@code PT10S}. */
    DURATION,
    /** One of {@link Setting#allowedValues()}, case-insensitive. */
    CHOICE,
    /** A password, client secret or token: a literal, {@code ${env:NAME}} or {@code ${file:/path}}. */
    SECRET,
    /** A file path. */
    PATH,
    /** Comma-separated values. */
    LIST,
    /** An absolute URL. */
    URL
  }

  private final String name;
  private final Type type;
  private final @Nullable String defaultValue;
  private final boolean required;
  private final List<String> allowedValues;
  private final String help;
  private final long minimum;
  private final Map<String, String> aliases;
  private final Map<String, String> refused;

  private Setting(Builder b) {
    this.name = b.name;
    this.type = b.type;
    this.defaultValue = b.defaultValue;
    this.required = b.required;
    this.allowedValues = List.copyOf(b.allowedValues);
    this.help = b.help;
    this.minimum = b.minimum;
    this.aliases = Map.copyOf(b.aliases);
    this.refused = Map.copyOf(b.refused);
  }

  /**
   * Starts the description of a setting.
   *
   * @param name lower-case words joined by {@code -}, groups separated by {@code .}, e.g. {@code
   *     max-connections} or {@code retry.max-attempts}
   * @param type the kind of value
   * @return a builder for an optional setting without a default
   * @throws IllegalArgumentException if the name is not of that form
   */
  public static Builder builder(String name, Type type) {
    return new Builder(name, type);
  }

  /** {@return the key, relative to its owner: {@code max-connections}} */
  public String name() {
    return name;
  }

  /** {@return the kind of value} */
  public Type type() {
    return type;
  }

  /**
   * {@return the value used when the setting is not given, in its text form; empty when there is
   * none}
   */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** {@return whether a value must be given} */
  public boolean required() {
    return required;
  }

  /** {@return whether the value is a secret: never shown, logged or written to metadata} */
  public boolean secret() {
    return type == Type.SECRET;
  }

  /** {@return for {@link Type#CHOICE}, the values allowed (upper case); otherwise empty} */
  public List<String> allowedValues() {
    return allowedValues;
  }

  /** {@return one line that tells an administrator what the setting does} */
  public String help() {
    return help;
  }

  /**
   * Reads a value in its text form, as written in a properties file or a form.
   *
   * @param text the value as written
   * @return a {@code String} (TEXT, PATH, SECRET as written, CHOICE upper case), {@code Integer},
   *     {@code Boolean}, {@link Duration}, {@link URI} or {@code List<String>}
   * @throws IllegalArgumentException saying why the text is not a valid value, without the value
   *     of a secret
   */
  public Object parse(String text) {
    Objects.requireNonNull(text, "text == null");
    String v = text.strip();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    switch (type) {
      case TEXT:
      case PATH:
        for (int i = 0; i < v.length(); i++) {
          char c = v.charAt(i);
          if (c < 0x20 || c == 0x7f) {
            // the index in the text as written, before surrounding whitespace was stripped
            throw new IllegalArgumentException(Addresses.forbiddenCharacter(c, text.indexOf(v) + i));
          }
        }
        return v;
      case SECRET:
        return v;
      case INTEGER:
        int n;
        try {
          n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
        if (n < minimum) {
          throw new IllegalArgumentException("must be at least " + minimum + ", was " + n);
        }
        return n;
      case BOOLEAN:
        switch (v.toLowerCase(Locale.ROOT)) {
          case "true":
            return true;
          case "false":
            return false;
          default:
            throw new IllegalArgumentException("'" + v + "' is not true or false");
        }
      case DURATION:
        Duration d = duration(v);
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("must be positive, was " + v);
        }
        return d;
      case CHOICE:
        String upper = v.toUpperCase(Locale.ROOT).replace('-', '_').replace('/', '_');
        if (refused.containsKey(upper)) {
          throw new IllegalArgumentException("'" + v + "' " + refused.get(upper));
        }
        upper = aliases.getOrDefault(upper, upper);
        if (!allowedValues.contains(upper)) {
          throw new IllegalArgumentException("'" + v + "' is not one of " + allowedValues);
        }
        return upper;
      case LIST:
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
      case URL:
        try {
          URI uri = new URI(v);
          if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + v + "' is not an absolute URL");
          }
          return uri;
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException("'" + v + "' is not a URL");
        }
      default:
        throw new AssertionError(type);
    }
  }

  /** Reads a duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 3d} or ISO-8601. */
  static Duration duration(String v) {
    Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms":
            return Duration.ofMillis(n);
          case "s":
            return Duration.ofSeconds(n);
          case "m":
            return Duration.ofMinutes(n);
          case "h":
            return Duration.ofHours(n);
          default:
            return Duration.ofDays(n);
        }
      }
      return Duration.parse(v);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + v + "' is not a duration such as 500ms, 10s, 2m or PT10S");
    }
  }

  @Override
  public String toString() {
    return name + " (" + type.name().toLowerCase(Locale.ROOT)
        + (defaultValue == null ? "" : ", default " + defaultValue)
        + (required ? ", required" : "") + ")";
  }

  /** Builds a {@link Setting}. */
  public static final class Builder {
    private final String name;
    private final Type type;
    private @Nullable String defaultValue;
    private boolean required;
    private final List<String> allowedValues = new ArrayList<>();
    private String help = "";
    private long minimum = Integer.MIN_VALUE;
    private final Map<String, String> aliases = new HashMap<>();
    private final Map<String, String> refused = new HashMap<>();

    private Builder(String name, Type type) {
      Objects.requireNonNull(name, "name == null");
      this.type = Objects.requireNonNull(type, "type == null");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("setting name '" + name + "' must be lower-case words joined by '-' or '.'");
      }
      this.name = name;
    }

    /**
     * The value used when none is given, in its text form; replaces an earlier default.
     *
     * @param value the default, a valid value in its text form
     * @return this builder
     * @throws IllegalArgumentException if the setting is secret (a secret has no default)
     */
    public Builder defaultValue(String value) {
      Objects.requireNonNull(value, "defaultValue == null");
      if (type == Type.SECRET) {
        throw new IllegalArgumentException("secret setting '" + name + "' cannot have a default");
      }
      this.defaultValue = value;
      return this;
    }

    /**
     * Marks the setting as one that must be given.
     *
     * @return this builder
     */
    public Builder required() {
      this.required = true;
      return this;
    }

    /**
     * The values a {@link Type#CHOICE} allows; replaces earlier ones.
     *
     * @param values the allowed values, in any case
     * @return this builder
     * @throws IllegalArgumentException for another type or no values
     */
    public Builder allowedValues(String... values) {
      if (type != Type.CHOICE) {
        throw new IllegalArgumentException("only a CHOICE setting has allowed values, '" + name + "' is " + type);
      }
      if (values.length == 0) {
        throw new IllegalArgumentException("a CHOICE needs at least one value");
      }
      allowedValues.clear();
      for (String v : values) {
        allowedValues.add(Objects.requireNonNull(v, "value == null").toUpperCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Like {@link #allowedValues(String...)}, the constants of an enum.
     *
     * @param <E> the enum type
     * @param type the enum class
     * @return this builder
     * @throws IllegalArgumentException if this is not a {@link Type#CHOICE}, or the enum has no
     *     constants
     */
    public <E extends Enum<E>> Builder allowedValues(Class<E> type) {
      return allowedValues(Arrays.stream(type.getEnumConstants()).map(Enum::name).toArray(String[]::new));
    }

    /**
     * Another name a {@link Type#CHOICE} accepts for one of its values ({@code SSL} for {@code
     * SSL_TLS}).
     *
     * @param alias the other name, in any case
     * @param value one of the allowed values
     * @return this builder
     * @throws IllegalArgumentException for another type or a value not allowed
     */
    public Builder alias(String alias, String value) {
      Objects.requireNonNull(alias, "alias == null");
      Objects.requireNonNull(value, "value == null");
      if (type != Type.CHOICE || !allowedValues.contains(value.toUpperCase(Locale.ROOT))) {
        throw new IllegalArgumentException("'" + value + "' is not an allowed value of '" + name + "'");
      }
      aliases.put(alias.toUpperCase(Locale.ROOT), value.toUpperCase(Locale.ROOT));
      return this;
    }

    /**
     * A value a {@link Type#CHOICE} refuses with a hint, because people mean different things by it
     * ({@code TLS}: implicit TLS or STARTTLS?). The hint follows the value in the message: {@code
     * 'TLS' <reason>}. Refused again, the value gets the later hint.
     *
     * @param value the refused value, in any case
     * @param reason the hint that follows the value in the message
     * @return this builder
     * @throws IllegalArgumentException for another type or a value that is allowed
     */
    public Builder refuse(String value, String reason) {
      Objects.requireNonNull(value, "value == null");
      Objects.requireNonNull(reason, "reason == null");
      String upper = value.toUpperCase(Locale.ROOT);
      if (type != Type.CHOICE || allowedValues.contains(upper) || aliases.containsKey(upper)) {
        throw new IllegalArgumentException("'" + value + "' cannot be refused by '" + name + "'");
      }
      refused.put(upper, reason);
      return this;
    }

    /**
     * The one-line help text; replaces an earlier one.
     *
     * @param help the help text
     * @return this builder
     */
    public Builder help(String help) {
      this.help = Objects.requireNonNull(help, "help == null");
      return this;
    }

    /**
     * The smallest value an {@link Type#INTEGER} allows.
     *
     * @param minimum the smallest value allowed
     * @return this builder
     * @throws IllegalArgumentException for another type
     */
    public Builder minimum(int minimum) {
      if (type != Type.INTEGER) {
        throw new IllegalArgumentException("only an INTEGER setting has a minimum, '" + name + "' is " + type);
      }
      this.minimum = minimum;
      return this;
    }

    /**
     * Builds the description.
     *
     * @return the description
     * @throws IllegalArgumentException if a CHOICE has no values or the default is not a valid value
     */
    public Setting build() {
      if (type == Type.CHOICE && allowedValues.isEmpty()) {
        throw new IllegalArgumentException("CHOICE setting '" + name + "' needs allowed values");
      }
      Setting s = new Setting(this);
      if (defaultValue != null) {
        try {
          s.parse(defaultValue);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("default of '" + name + "' " + e.getMessage(), e);
        }
      }
      return s;
    }
  }
}
