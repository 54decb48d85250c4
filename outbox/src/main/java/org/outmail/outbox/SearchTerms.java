package org.outmail.outbox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.outmail.Email;
import org.outmail.internal.PreparedEmail;

/**
 * The terms a mail is found by ({@link Outbox#search}), stored beside it in {@code
 * outmail_outbox_term}: {@code r:} and each recipient, {@code k:} and the record id, {@code m:} and
 * the Message-ID, {@code s:} and the subject's first {@value #SUBJECT_CHARS} characters, as sent and
 * without a leading {@code [TAG]}; all in lower case.
 */
final class SearchTerms {
  static final int SUBJECT_CHARS = 100;
  /** The shortest text a subject prefix is searched with: shorter ones would read much of the index. */
  static final int MIN_SUBJECT_PREFIX = 3;
  private static final int MAX_TERM = 500;
  private static final Pattern ID = Pattern.compile("#?(\\d{1,18})");

  private SearchTerms() {}

  static List<String> of(PreparedEmail prepared, Email email) {
    Set<String> terms = new LinkedHashSet<>();
    for (String r : prepared.recipients()) {
      terms.add(term("r:", r));
    }
    email.recordId().ifPresent(k -> terms.add(term("k:", k)));
    terms.add(term("m:", prepared.messageId()));
    String subject = prepared.subject();
    terms.add(subjectTerm(subject));
    untagged(subject).ifPresent(s -> terms.add(subjectTerm(s)));
    return List.copyOf(terms);
  }

  /** The subject without a leading tag: {@code "Printer jammed"} for {@code "[TICKET#4711] Printer jammed"}. */
  static Optional<String> untagged(String subject) {
    if (!subject.startsWith("[")) {
      return Optional.empty();
    }
    int end = subject.indexOf("] ");
    return end < 0 ? Optional.empty() : Optional.of(subject.substring(end + 2).strip());
  }

  private static String subjectTerm(String subject) {
    String s = subject.length() > SUBJECT_CHARS ? subject.substring(0, SUBJECT_CHARS) : subject;
    return term("s:", s);
  }

  private static String term(String kind, String value) {
    String t = kind + value.toLowerCase(Locale.ROOT);
    return t.length() > MAX_TERM ? t.substring(0, MAX_TERM) : t;
  }

  /** What a search text looks for: exact terms, a subject prefix (or none), an id (or none). */
  record Query(List<String> exact, Optional<String> subjectPrefix, Optional<Long> id) {}

  static Query parse(String text) {
    String q = text.strip();
    List<String> exact = new ArrayList<>();
    exact.add(term("r:", q));
    exact.add(term("k:", q));
    exact.add(term("m:", q));
    if (!q.startsWith("<")) {
      exact.add(term("m:", "<" + q + ">"));
    }
    Optional<String> prefix = q.length() >= MIN_SUBJECT_PREFIX
        ? Optional.of(term("s:", q.length() > SUBJECT_CHARS ? q.substring(0, SUBJECT_CHARS) : q)) : Optional.empty();
    var m = ID.matcher(q);
    Optional<Long> id = m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    return new Query(exact, prefix, id);
  }
}
