package org.outmail.outbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a mail's recipients stand across attempts: which ones the server took, which it refused
 * for good (with its reply), and which ones the next attempt goes to. Read from the store once per
 * claim and written back once per outcome; stored as three text columns.
 *
 * @param pending the recipients the next attempt goes to; empty means every recipient of the mail
 * @param accepted recipients the server took, over all attempts, in the order taken
 * @param rejected recipients the server refused for good, address → its reply
 */
record Recipients(List<String> pending, List<String> accepted, Map<String, String> rejected) {
  static final Recipients FIRST_ATTEMPT = new Recipients(List.of(), List.of(), Map.of());

  Recipients {
    pending = List.copyOf(pending);
    accepted = List.copyOf(accepted);
    rejected = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rejected));
  }

  /** Whether the next attempt goes to every recipient of the mail. */
  boolean allPending() {
    return pending.isEmpty();
  }

  /** These recipients taken now, besides those taken before. */
  Recipients accept(Collection<String> now) {
    LinkedHashSet<String> all = new LinkedHashSet<>(accepted);
    all.addAll(now);
    return new Recipients(pending, new ArrayList<>(all), rejected);
  }

  /** These recipients refused for good now, besides those refused before. */
  Recipients reject(Map<String, String> now) {
    Map<String, String> all = new LinkedHashMap<>(rejected);
    all.putAll(now);
    return new Recipients(pending, accepted, all);
  }

  /** The next attempt goes to these recipients alone (empty: to every recipient). */
  Recipients pendingOnly(Collection<String> next) {
    return new Recipients(new ArrayList<>(next), accepted, rejected);
  }

  // ---- the three columns

  static Recipients read(String pending, String accepted, String rejected) {
    return new Recipients(addresses(pending), addresses(accepted), replies(rejected));
  }

  @Nullable
  String pendingColumn() {
    return pending.isEmpty() ? null : String.join("\n", pending);
  }

  @Nullable
  String acceptedColumn() {
    return accepted.isEmpty() ? null : String.join("\n", accepted);
  }

  /** Refused recipients: {@code address TAB reply} a line. */
  @Nullable
  String rejectedColumn() {
    if (rejected.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    rejected.forEach((a, r) -> sb.append(sb.length() == 0 ? "" : "\n").append(a).append('\t')
        .append(r == null ? "" : r.replaceAll("[\\r\\n\\t]", " ")));
    return sb.toString();
  }

  private static List<String> addresses(String text) {
    return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  private static Map<String, String> replies(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text != null && !text.isEmpty()) {
      for (String line : text.split("\n")) {
        int tab = line.indexOf('\t');
        out.put(tab < 0 ? line : line.substring(0, tab), tab < 0 ? "" : line.substring(tab + 1));
      }
    }
    return out;
  }
}
