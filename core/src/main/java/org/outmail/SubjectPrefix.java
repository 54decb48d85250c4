package org.outmail;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The subject tag that ties replies back to a record: {@code prefix + recordId}, written {@code
 * [TICKET#4711] subject}.
 *
 * <p>{@link #apply} adds the tag once: a subject that already carries the same tag (also behind
 * {@code RE:} or in its bare form) is left as it is. {@link #recordId} finds the tag again in a
 * reply's subject, bracketed or bare, with the prefix in any case, behind any number of reply and
 * forward markers in common languages ({@code Re}, {@code AW}, {@code WG}, {@code SV}, {@code
 * Antw}, {@code RIF}, {@code ΑΠ}, {@code 回复}, ...), counted ones ({@code Re[2]:}, {@code Re^2:})
 * included.
 */
public final class SubjectPrefix {
  static final String ID_CHARS = "[\\p{L}\\p{N}_-]+";
  /** {@link #ID_CHARS} compiled: what {@link #validId} checks by hand. */
  static final Pattern ID = Pattern.compile(ID_CHARS);
  /**
   * Reply and forward markers: English, German, Nordic, Dutch, French, Italian, Spanish,
   * Portuguese, Polish, Turkish, Greek, Chinese and others; each may be counted and is followed by
   * a colon (ASCII or full-width).
   */
  static final Pattern MARKERS = Pattern.compile(
      "^(\\s*(?:re|fwd?|aw|wg|antwort|sv|vs|vl|antw|doorst|tr|réf|ref|rif|r|i|odp|pd|rv|res|enc|ynt|ilt|fs|vb|bls|"
          + "trs|vá|továbbítás|"
          + "απ|σχετ|πρθ|回复|回覆|转发|轉寄|答复|答覆|返信|転送|رد|השב|הועבר|отв|пер)"
          + "(?:\\s*\\[\\d+]|\\s*\\(\\d+\\)|\\^\\d+)?\\s*[:：])+",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private final String prefix;
  /** What every tag of this prefix holds (its stem), each character case-folded as the patterns fold it. */
  private final char[] needle;
  private final Pattern bracketed;
  private final Pattern bare;

  private SubjectPrefix(String prefix) {
    this.prefix = prefix;
    int flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    // the prefix as written, or its stem followed by '#', '#:' or ':' (Znuny and OTRS write
    // "[Ticket#: 2004040510440485]", Zammad tolerates "[Ticket:4711]")
    String stem = prefix.replaceAll("[#:]+$", "");
    String held = stem.isEmpty() ? prefix : stem;
    this.needle = new char[held.length()];
    for (int i = 0; i < needle.length; i++) {
      needle[i] = fold(held.charAt(i));
    }
    String written;
    if (stem.isEmpty()) {
      written = Pattern.quote(prefix) + "(?:\\s*:)?";
    } else if (stem.length() < prefix.length()) {
      written = Pattern.quote(stem) + "(?:#\\s*:?|:)";
    } else {
      written = Pattern.quote(prefix) + "(?:\\s*:)?";
    }
    this.bracketed = Pattern.compile("\\[\\s*" + written + "\\s*(" + ID_CHARS + ")\\s*]", flags);
    // bare, only the prefix as written: a subject that merely mentions "Ticket#: 4711" names no
    // record (Znuny reads the colon form only in brackets, too)
    this.bare = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(prefix) + "(" + ID_CHARS + ")", flags);
  }

  /**
   * A prefix such as {@code TICKET#}.
   *
   * @param prefix the prefix
   * @return the subject prefix
   * @throws IllegalArgumentException if blank or containing whitespace, brackets or line breaks
   */
  public static SubjectPrefix of(String prefix) {
    Objects.requireNonNull(prefix, "prefix == null");
    if (prefix.isBlank()
        || prefix.chars().anyMatch(c -> Character.isWhitespace(c) || c == '[' || c == ']' || c < 0x20)) {
      throw new IllegalArgumentException(
          "prefix must not be blank or contain whitespace or brackets: '" + prefix + "'");
    }
    return new SubjectPrefix(prefix);
  }

  /** {@return the prefix, such as {@code TICKET#}} */
  public String prefix() {
    return prefix;
  }

  /**
   * The tag for a record: {@code [TICKET#4711]}.
   *
   * @param recordId the record's id: letters, digits, {@code _} or {@code -}
   * @return the tag
   * @throws IllegalArgumentException if the record id is not of that form
   */
  public String tag(String recordId) {
    return "[" + prefix + checkId(recordId) + "]";
  }

  /**
   * Puts the record's tag in front of the subject, unless the subject already carries this
   * record's tag (in any form {@link #recordIds} recognises): {@code apply("4711", "Printer
   * jammed")} is {@code "[TICKET#4711] Printer jammed"}, and {@code apply("4711", "RE:
   * [TICKET#4711] Printer jammed")} is unchanged.
   *
   * @param recordId the record's id: letters, digits, {@code _} or {@code -}
   * @param subject the subject as written
   * @return the subject carrying the record's tag
   * @throws IllegalArgumentException if the record id is not of that form
   */
  public String apply(String recordId, String subject) {
    checkId(recordId);
    Objects.requireNonNull(subject, "subject == null");
    for (String present : recordIds(subject)) {
      if (present.equalsIgnoreCase(recordId)) {
        return subject;
      }
    }
    String rest = subject.strip();
    return rest.isEmpty() ? tag(recordId) : tag(recordId) + " " + rest;
  }

  /**
   * The record id in a subject's tag, if it carries one: {@code "RE: AW: [TICKET#4711] Printer"}
   * gives {@code "4711"}. The first of {@link #recordIds}: the first bracketed tag wins over any
   * bare one.
   *
   * @param subject the subject, may be {@code null}
   * @return the winning record id, or empty when the subject carries no tag of this prefix
   */
  public Optional<String> recordId(@Nullable String subject) {
    List<String> ids = recordIds(subject);
    return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0));
  }

  /**
   * The first record id of {@link #recordIds} that the host knows, for a subject that carries
   * several tags of this prefix (a foreign system's ticket first, then ours).
   *
   * @param subject the subject, may be {@code null}
   * @param exists whether a record with that id exists
   * @return the first record id the host knows, or empty when there is none
   */
  public Optional<String> recordId(@Nullable String subject, Predicate<String> exists) {
    Objects.requireNonNull(exists, "exists == null");
    return recordIds(subject).stream().filter(exists).findFirst();
  }

  /**
   * Every record id tagged in the subject, in the order they win: bracketed tags from left to
   * right, then bare ones from left to right; each id once. Recognised forms, the prefix in any
   * case: {@code [TICKET#4711]}, {@code [TICKET#: 4711]}, {@code [TICKET:4711]}, {@code TICKET#4711}. The
   * colon forms count only in brackets: a bare {@code TICKET#: 4711} or {@code TICKET:4711} is a
   * mention, not a tag.
   *
   * @param subject the subject, may be {@code null}
   * @return the record ids, empty when there is none
   */
  public List<String> recordIds(@Nullable String subject) {
    if (subject == null || !holdsStem(subject)) {
      return List.of(); // no tag of this prefix: skips the patterns, which a send runs otherwise
    }
    String rest = stripReplyMarkers(subject);
    Set<String> ids = new LinkedHashSet<>();
    Matcher m = bracketed.matcher(rest);
    while (m.find()) {
      ids.add(m.group(1));
    }
    m = bare.matcher(rest.replaceAll("\\[[^\\]]*]", " "));
    while (m.find()) {
      ids.add(m.group(1));
    }
    return List.copyOf(ids);
  }

  /**
   * The subject without the reply and forward markers in front of it.
   *
   * @param subject a subject
   * @return the subject without {@code RE:}, {@code AW:} and the like in front, stripped of
   *     surrounding whitespace
   */
  public static String stripReplyMarkers(String subject) {
    Matcher m = MARKERS.matcher(subject);
    return m.find() ? subject.substring(m.end()).strip() : subject.strip();
  }

  /**
   * Whether the subject holds the prefix's stem, compared character by character as the patterns
   * compare ({@code CASE_INSENSITIVE | UNICODE_CASE}): without it, no pattern of this prefix matches.
   */
  private boolean holdsStem(String subject) {
    int n = subject.length() - needle.length;
    outer : for (int i = 0; i <= n; i++) {
      for (int k = 0; k < needle.length; k++) {
        char c = subject.charAt(i + k);
        if (c != needle[k] && fold(c) != needle[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** A character as {@link Pattern}'s Unicode case-insensitive matching folds it. */
  private static char fold(char c) {
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  /** Whether the id is {@link #ID_CHARS}: letters, digits ({@code \p{N}}), '_' or '-'; without a pattern (every send). */
  static boolean validId(String id) {
    if (id.isEmpty()) {
      return false;
    }
    for (int i = 0; i < id.length();) {
      int cp = id.codePointAt(i);
      int type = Character.getType(cp);
      boolean ok = cp == '_' || cp == '-' || Character.isLetter(cp) || type == Character.DECIMAL_DIGIT_NUMBER
          || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
      if (!ok) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static String checkId(String recordId) {
    Objects.requireNonNull(recordId, "recordId == null");
    if (!validId(recordId)) {
      throw new IllegalArgumentException("recordId '" + recordId.replaceAll("\\p{Cntrl}", "?")
          + "' must be letters, digits, '_' or '-'");
    }
    return recordId;
  }

  @Override
  public String toString() {
    return "SubjectPrefix[" + prefix + "]";
  }
}
