package org.outmail.console;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.outmail.CheckResult;
import org.outmail.Mailbox;

/** The last Check of each mailbox, for the grid; forgotten when the mailbox changes. */
final class CheckResults {
  private record Entry(Map<String, String> checkedValues, CheckResult result) {}

  private final Map<String, Entry> results = new ConcurrentHashMap<>();

  void put(Mailbox m, CheckResult result) {
    results.put(m.id(), new Entry(Forms.MAILBOX.values(m), result));
  }

  Optional<CheckResult> last(Mailbox m) {
    Entry e = results.get(m.id());
    if (e == null || !e.checkedValues.equals(Forms.MAILBOX.values(m))) {
      return Optional.empty();
    }
    return Optional.of(e.result);
  }

  void forget(String id) {
    results.remove(id);
  }

  static String describe(CheckResult r) {
    return r.ok() ? "OK: " + r.message() + " (" + r.elapsed().toMillis() + " ms)"
        : "Failed at stage " + r.stage().map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).orElse("?") + ": "
            + r.message();
  }
}
