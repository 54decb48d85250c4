package org.outmail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The text form of a configured object, a {@link Mailbox} or an {@link org.outmail.oauth.OAuthClient}:
 * its fields described once ({@link #fields()}), the object as text and back ({@link #values},
 * {@link #secrets}, {@link #set}, {@link #secret}), and a form's fields checked all at once ({@link
 * #validate}). What a properties file, a store, a form or a command-line tool reads and writes;
 * hosts build mailboxes with their typed builders. Get one with {@link Mailbox#textForm()} or {@link
 * org.outmail.oauth.OAuthClient#textForm()}. Immutable.
 *
 * @param <T> the configured object
 * @param <B> its builder
 */
public final class TextForm<T, B> {
  /**
   * Gives a parsed value to a builder.
   *
   * @param <B> the builder
   */
  @FunctionalInterface
  public interface Applier<B> {
    /**
     * Gives the value to the builder.
     *
     * @param builder the builder
     * @param value the value as {@link Setting#parse} read it
     * @param environment resolves {@code ${env:NAME}} in secrets
     */
    void apply(B builder, Object value, Function<String, String> environment);
  }

  /** A field that a form sets in another way than its description says ({@code protocol.name}). */
  interface Other<B> {
    /** Sets the field if it is one of these, else returns false. */
    boolean set(B builder, String field, String text, Function<String, String> environment);

    /** Sets the secret field if it is one of these, else returns false. */
    default boolean secret(B builder, String field, Secret secret) {
      return false;
    }
  }

  /** How an error names the object: {@code mailbox 'support': port ...}. */
  interface Failure<B> {
    MailboxConfigException fail(B builder, String field, String problem);
  }

  private record Field<B>(Setting setting, @Nullable Applier<B> applier) {}

  private final String kind;
  private final String idKey;
  private final Function<String, B> start;
  private final Function<B, T> build;
  private final Function<T, Map<String, String>> values;
  private final Function<T, Map<String, Secret>> secrets;
  private final Failure<B> failure;
  private final Map<String, Field<B>> fields;
  private final Map<String, BiConsumer<B, Secret>> secretFields;
  private final @Nullable Other<B> other;
  private final String otherHint;
  private final String secretHint;
  private final List<Setting> descriptions;

  private TextForm(Spec<T, B> s) {
    this.kind = s.kind;
    this.idKey = s.idKey;
    this.start = s.start;
    this.build = s.build;
    this.values = s.values;
    this.secrets = s.secrets;
    this.failure = s.failure;
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(s.fields));
    this.secretFields = Collections.unmodifiableMap(new LinkedHashMap<>(s.secretFields));
    this.other = s.other;
    this.otherHint = s.otherHint;
    this.secretHint = s.secretHint;
    this.descriptions = this.fields.values().stream().map(Field::setting).toList();
  }

  /**
   * The form of a configured object of core: its errors name it as {@code KIND 'NAME': FIELD
   * PROBLEM} ({@code oauth client 'm365': client-id is required}).
   *
   * @param <T> the configured object
   * @param <B> its builder
   * @param kind what the object is called in messages, such as {@code OAuth client}
   * @param idKey the key of a form's field that names the object, such as {@code name}
   * @param start a builder for the object of that name
   * @param name the name a builder was started with
   * @param build builds the object
   * @param values the object's fields in their text form, secrets left out
   * @param secrets the object's secret fields that are set
   * @param fields each field's description and how its parsed value reaches the builder, in form order
   * @param secretFields how each secret field is set from a secret given as it is
   * @return the form
   */
  public static <T, B> TextForm<T, B> of(String kind, String idKey, Function<String, B> start, Function<B, String> name,
      Function<B, T> build, Function<T, Map<String, String>> values, Function<T, Map<String, Secret>> secrets,
      Map<Setting, Applier<B>> fields, Map<String, BiConsumer<B, Secret>> secretFields) {
    String label = kind.toLowerCase(java.util.Locale.ROOT);
    Spec<T, B> s = new Spec<>(kind, idKey, start, build, values, secrets,
        (b, field, problem) -> new MailboxConfigException(null, field,
            label + " '" + name.apply(b) + "': " + field + " " + problem));
    fields.forEach(s::field);
    secretFields.forEach(s::secretField);
    return s.done();
  }

  /** Collects a form's parts; {@link #done()} makes the form. */
  static final class Spec<T, B> {
    private final String kind;
    private final String idKey;
    private final Function<String, B> start;
    private final Function<B, T> build;
    private final Function<T, Map<String, String>> values;
    private final Function<T, Map<String, Secret>> secrets;
    private final Failure<B> failure;
    private final Map<String, Field<B>> fields = new LinkedHashMap<>();
    private final Map<String, BiConsumer<B, Secret>> secretFields = new LinkedHashMap<>();
    private @Nullable Other<B> other;
    private String otherHint = "";
    private String secretHint = "";

    Spec(String kind, String idKey, Function<String, B> start, Function<B, T> build,
        Function<T, Map<String, String>> values, Function<T, Map<String, Secret>> secrets, Failure<B> failure) {
      this.kind = kind;
      this.idKey = idKey;
      this.start = start;
      this.build = build;
      this.values = values;
      this.secrets = secrets;
      this.failure = failure;
    }

    /** A field; a {@code null} applier marks one set in another way ({@link #other}). */
    Spec<T, B> field(Setting setting, @Nullable Applier<B> applier) {
      fields.put(setting.name(), new Field<>(setting, applier));
      return this;
    }

    Spec<T, B> field(Setting.Builder setting, @Nullable Applier<B> applier) {
      return field(setting.build(), applier);
    }

    /** A secret field, set from a secret given as it is. */
    Spec<T, B> secretField(String name, BiConsumer<B, Secret> setter) {
      secretFields.put(name, setter);
      return this;
    }

    Spec<T, B> other(Other<B> other, String hint, String secretHint) {
      this.other = other;
      this.otherHint = hint;
      this.secretHint = secretHint;
      return this;
    }

    TextForm<T, B> done() {
      return new TextForm<>(this);
    }
  }

  /** {@return the fields described for forms, tools and the properties loader, in form order} */
  public List<Setting> fields() {
    return descriptions;
  }

  /** The description of a field, if it is one of {@link #fields()}. */
  @Nullable
  Setting field(String name) {
    Field<B> f = fields.get(name);
    return f == null ? null : f.setting();
  }

  /** The names of {@link #fields()}. */
  Set<String> names() {
    return fields.keySet();
  }

  /**
   * Every field of the object that has a value, in its text form as {@link #set} reads it, secrets
   * left out ({@link #secrets}): what a form shows and a store keeps in the clear. Setting each entry
   * on a builder of the same id, and each of {@link #secrets} with {@link #secret}, builds an object
   * equal in every field.
   *
   * @param object the mailbox or client
   * @return field name to text; unmodifiable
   */
  public Map<String, String> values(T object) {
    return values.apply(Objects.requireNonNull(object, "object == null"));
  }

  /**
   * The secret fields that are set, by field name: what a store encrypts and a form never shows.
   *
   * @param object the mailbox or client
   * @return field name to secret; unmodifiable
   */
  public Map<String, Secret> secrets(T object) {
    return secrets.apply(Objects.requireNonNull(object, "object == null"));
  }

  /**
   * Sets a field from its text form, as a properties file or a form gives it: {@code set(b, "port",
   * "587")}, {@code set(b, "password", "${env:SMTP_PASSWORD}")}; {@code ${env:NAME}} is read from
   * the process's environment.
   *
   * @param builder the builder to set the field on
   * @param field a field name of {@link #fields()} (for a mailbox also {@code oauth-client.NAME} and
   *     a transport's setting {@code PROTOCOL.NAME})
   * @param text the value in its text form
   * @return the builder
   * @throws MailboxConfigException naming the object and the field when it is unknown or the value
   *     is invalid
   */
  public B set(B builder, String field, String text) {
    return set(builder, field, text, System::getenv);
  }

  /**
   * Like {@link #set(Object, String, String)}, resolving {@code ${env:NAME}} in secrets with the
   * given environment.
   *
   * @param builder the builder to set the field on
   * @param field a field name
   * @param text the value in its text form
   * @param environment the value of an environment variable by its name, {@code null} when it is
   *     not set
   * @return the builder
   * @throws MailboxConfigException naming the object and the field when it is unknown or the value
   *     is invalid
   */
  public B set(B builder, String field, String text, Function<String, @Nullable String> environment) {
    Objects.requireNonNull(builder, "builder == null");
    Objects.requireNonNull(field, "field == null");
    Objects.requireNonNull(text, "text == null");
    Objects.requireNonNull(environment, "environment == null");
    if (other != null && other.set(builder, field, text, environment)) {
      return builder;
    }
    Field<B> f = fields.get(field);
    if (f == null) {
      throw failure.fail(builder, field, "is not " + article(kind) + " field; fields: " + names() + otherHint);
    }
    Applier<B> applier = f.applier();
    if (applier == null) {
      throw failure.fail(builder, field, "names another object and cannot be set from text here");
    }
    try {
      applier.apply(builder, f.setting().parse(text), environment);
    } catch (IllegalArgumentException e) {
      throw failure.fail(builder, field, String.valueOf(e.getMessage()));
    }
    return builder;
  }

  /**
   * Sets a secret field by its name, the value taken as it is (no {@code ${env:...}} or {@code
   * ${file:...}} is resolved): the keys of {@link #secrets}. Replaces one set before.
   *
   * @param builder the builder to set the secret on
   * @param field the secret field
   * @param secret the secret
   * @return the builder
   * @throws MailboxConfigException naming the field when it is not a secret field
   */
  public B secret(B builder, String field, Secret secret) {
    Objects.requireNonNull(builder, "builder == null");
    Objects.requireNonNull(field, "field == null");
    Objects.requireNonNull(secret, "secret == null");
    BiConsumer<B, Secret> setter = secretFields.get(field);
    if (setter != null) {
      setter.accept(builder, secret);
    } else if (other == null || !other.secret(builder, field, secret)) {
      throw failure.fail(builder, field, "is not a secret field; secret fields: " + secretFields.keySet() + secretHint);
    }
    return builder;
  }

  /**
   * Checks a form's fields as {@link #set} and the builder would, and reports every error at once
   * rather than the first: for a form that shows each error beside its field. The key that names
   * the object ({@code id} for a mailbox, {@code name} for an OAuth client) is its id; every other
   * key is a field as {@link #set} takes it. A blank value counts as not given. Secrets among the
   * fields are read as {@link #set} reads them ({@code ${env:NAME}} and {@code ${file:path}} are
   * resolved): a form that takes secrets from untrusted users passes them apart.
   *
   * @param fields field name to text, as a form sends them, with the object's id
   * @param secrets secret field name to secret, as {@link #secret} takes them (no reference
   *     resolved): for a form whose secrets are write-only, so that a secret kept from before counts
   *     as given
   * @return field name to what is wrong with it ({@link MailboxConfigException#problem()}), in the
   *     order of the fields given; an error that concerns no single field is keyed by the empty
   *     string; empty when the object would build
   */
  public Map<String, String> validate(Map<String, String> fields, Map<String, Secret> secrets) {
    Objects.requireNonNull(fields, "fields == null");
    Objects.requireNonNull(secrets, "secrets == null");
    Map<String, String> errors = new LinkedHashMap<>();
    String id = fields.getOrDefault(idKey, "");
    id = id == null ? "" : id.strip();
    B b;
    if (id.isEmpty()) {
      errors.put(idKey, "is required");
      b = start.apply("unnamed");
    } else {
      try {
        b = start.apply(id);
      } catch (MailboxConfigException e) {
        String m = Objects.requireNonNullElse(e.getMessage(), "");
        errors.put(idKey, m.indexOf("' must ") > 0 ? m.substring(m.indexOf("' must ") + 2) : e.problem());
        b = start.apply("unnamed");
      }
    }
    for (Map.Entry<String, String> e : fields.entrySet()) {
      String text = e.getValue();
      if (e.getKey().equals(idKey) || text == null || text.isBlank()) {
        continue;
      }
      try {
        set(b, e.getKey(), text);
      } catch (MailboxConfigException x) {
        errors.putIfAbsent(Objects.requireNonNullElse(x.field(), e.getKey()), x.problem());
      }
    }
    for (Map.Entry<String, Secret> e : secrets.entrySet()) {
      try {
        secret(b, e.getKey(), e.getValue());
      } catch (MailboxConfigException x) {
        errors.putIfAbsent(e.getKey(), x.problem());
      }
    }
    try {
      T unused = build.apply(b); // built only to find what is wrong across fields
    } catch (MailboxConfigException x) {
      errors.putIfAbsent(Objects.requireNonNullElse(x.field(), ""), x.problem());
    }
    return Collections.unmodifiableMap(errors);
  }

  private static String article(String kind) {
    return ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
  }

  @Override
  public String toString() {
    return "TextForm{" + kind + ", fields=" + new ArrayList<>(names()) + "}";
  }
}
