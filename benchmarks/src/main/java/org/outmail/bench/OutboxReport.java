package org.outmail.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The table of {@code benchmarks/outbox.sh}: reads the result lines of {@link OutboxBench} and the
 * anchors the script adds in the same form ({@code impl=anchor test=pgbench clients=N rate=...}),
 * and prints the medians (min–max over the rounds), this outbox against the previous one, and the
 * ratios against the anchors with the targets.
 *
 * <pre>
 * java -cp benchmarks.jar org.outmail.bench.OutboxReport --results results.txt
 * </pre>
 */
public final class OutboxReport {
  private final List<Map<String, String>> lines;
  private final PrintStream out;

  private OutboxReport(List<Map<String, String>> lines, PrintStream out) {
    this.lines = lines;
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    Path results = null;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--results")) {
        results = Path.of(args[i + 1]);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (results == null) {
      throw new IllegalArgumentException("--results is required");
    }
    new OutboxReport(parse(Files.readAllLines(results)), System.out).print();
  }

  static List<Map<String, String>> parse(List<String> raw) {
    List<Map<String, String>> out = new ArrayList<>();
    for (String line : raw) {
      if (line.isBlank() || !line.startsWith("impl=")) {
        continue;
      }
      Map<String, String> m = new LinkedHashMap<>();
      for (String field : line.split("\t")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          m.put(field.substring(0, eq), field.substring(eq + 1));
        }
      }
      out.add(m);
    }
    return out;
  }

  /** The rates of the lines that match, in file order. */
  private double[] rates(Predicate<Map<String, String>> p) {
    return lines.stream().filter(p).mapToDouble(m -> Double.parseDouble(m.get("rate"))).toArray();
  }

  private static Predicate<Map<String, String>> is(String... kv) {
    return m -> {
      for (int i = 0; i < kv.length; i += 2) {
        if (!kv[i + 1].equals(m.get(kv[i]))) {
          return false;
        }
      }
      return true;
    };
  }

  private static String rate(double[] r) {
    if (r.length == 0) {
      return "–";
    }
    double min = Double.MAX_VALUE;
    double max = 0;
    for (double v : r) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    String med = String.format(Locale.ROOT, "%,.0f", OutboxBench.median(r));
    return r.length == 1 ? med : String.format(Locale.ROOT, "%s (%,.0f–%,.0f, %d runs)", med, min, max, r.length);
  }

  private void row(String what, Predicate<Map<String, String>> anchorOrNew,
      @Nullable Predicate<Map<String, String>> old) {
    double[] a = rates(anchorOrNew);
    double[] o = old == null ? new double[0] : rates(old);
    if (a.length == 0 && o.length == 0) {
      return;
    }
    String ratio = a.length > 0 && o.length > 0
        ? String.format(Locale.ROOT, "%.2f×", OutboxBench.median(a) / OutboxBench.median(o)) : "–";
    String cpu = cpu(anchorOrNew) + (old == null ? "" : " / " + cpu(old));
    out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", what, rate(a), old == null ? "" : rate(o),
        old == null ? "" : ratio, cpu);
  }

  /** The median CPU µs per mail (per write for the disk loops) of the matching lines. */
  private String cpu(Predicate<Map<String, String>> p) {
    double[] c = lines.stream().filter(p).filter(m -> m.containsKey("cpu_us"))
        .mapToDouble(m -> Double.parseDouble(m.get("cpu_us"))).toArray();
    return c.length == 0 ? "–" : String.format(Locale.ROOT, "%,.0f", OutboxBench.median(c));
  }

  private void target(String what, Predicate<Map<String, String>> num, @Nullable Predicate<Map<String, String>> den,
      double target) {
    double[] n = rates(num);
    double[] d = den == null ? new double[] {1} : rates(den);
    if (n.length == 0 || d.length == 0) {
      out.printf(Locale.ROOT, "| %s | not measured | %s | – |%n", what, fmt(target, den));
      return;
    }
    double v = OutboxBench.median(n) / OutboxBench.median(d);
    String figure = den == null ? String.format(Locale.ROOT, "%,.0f/s", v)
        : String.format(Locale.ROOT, "%.2f× (%,.0f vs %,.0f/s)", v, OutboxBench.median(n), OutboxBench.median(d));
    out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", what, figure, fmt(target, den),
        v >= target ? "yes" : String.format(Locale.ROOT, "NO (%.0f %% of the target)", 100 * v / target));
  }

  private static String fmt(double target, @Nullable Object den) {
    return den == null ? String.format(Locale.ROOT, "≥ %,.0f/s", target)
        : String.format(Locale.ROOT, "≥ %.1f×", target);
  }

  private void print() {
    Predicate<Map<String, String>> fsyncAnchor = anchorFsync();
    out.println(
        "| figure (1 KB mails, per second) | this outbox: median (min–max) | previous outbox (H2) | this / previous "
            + "| CPU µs per mail, this / previous |");
    out.println("|---|---:|---:|---:|---:|");
    row("disk: write 1 KB + fdatasync, appended to a growing file", is("test", "fsync", "kind", "append"), null);
    row("disk: write 1 KB + fdatasync, rewritten in place", is("test", "fsync", "kind", "overwrite"), null);
    row("disk: write 1 KB + fsync, rewritten in place (information: SQLite calls fsync)",
        is("test", "fsync", "kind", "overwrite-fsync"), null);
    row("pgbench, 1 client, one 1 KB INSERT per transaction", is("test", "pgbench", "clients", "1"), null);
    row("pgbench, 8 clients, one 1 KB INSERT per transaction", is("test", "pgbench", "clients", "8"), null);
    for (String store : new String[] {"embedded", "nofsync", "pg"}) {
      for (String threads : new String[] {"1", "8"}) {
        row("enqueue, " + threads + " thread" + (threads.equals("1") ? "" : "s") + ", " + storeName(store),
            is("impl", "new", "test", "enqueue", "store", store, "threads", threads),
            is("impl", "old", "test", "enqueue", "store", store, "threads", threads));
      }
    }
    for (String store : new String[] {"embedded", "pg"}) {
      row("enqueueAll, batches of " + batch() + ", 1 thread, " + storeName(store),
          is("impl", "new", "test", "enqueueall", "store", store), null);
    }
    row("sendAsync burst of " + count() + " mails, 1 connection (anchor of the drains)",
        is("impl", "new", "test", "burst"),
        is("impl", "old", "test", "burst"));
    for (String store : new String[] {"embedded", "pg"}) {
      row("drain of " + count() + " queued mails, " + storeName(store),
          is("impl", "new", "test", "drain", "store", store, "waiting", count()),
          is("impl", "old", "test", "drain", "store", store, "waiting", count()));
    }
    String big = backlog();
    if (big != null) {
      row("drain of the first " + count() + " of " + big + " waiting mails, PostgreSQL",
          bigDrain("new"), bigDrain("old"));
    }
    out.println();
    out.println("| target (issue 21) | measured (medians) | target | met |");
    out.println("|---|---|---|---|");
    target("enqueue, 1 thread, embedded / raw fsync rate", is("impl", "new", "test", "enqueue", "store", "embedded",
        "threads", "1"), fsyncAnchor, 0.8);
    target("enqueue, 8 threads, embedded / raw fsync rate", is("impl", "new", "test", "enqueue", "store", "embedded",
        "threads", "8"), fsyncAnchor, 3.0);
    target("enqueueAll, embedded", is("impl", "new", "test", "enqueueall", "store", "embedded"), null, 20_000);
    target("enqueue, 8 threads, PostgreSQL / pgbench 8 clients", is("impl", "new", "test", "enqueue", "store", "pg",
        "threads", "8"), is("test", "pgbench", "clients", "8"), 1.0);
    target("drain / sendAsync burst, embedded", is("impl", "new", "test", "drain", "store", "embedded"),
        is("impl", "new", "test", "burst"), 0.8);
    target("drain / sendAsync burst, PostgreSQL", is("impl", "new", "test", "drain", "store", "pg", "waiting", count()),
        is("impl", "new", "test", "burst"), 0.8);
    if (big != null) {
      target("PostgreSQL drain, " + big + " waiting / " + count() + " waiting", bigDrain("new"),
          is("impl", "new", "test", "drain", "store", "pg", "waiting", count()), 0.9);
    }
    out.println();
    out.println("Also for information: enqueue, 1 thread, PostgreSQL / pgbench 1 client: " + ratio(
        is("impl", "new", "test", "enqueue", "store", "pg", "threads", "1"), is("test", "pgbench", "clients", "1"))
        + "; the raw fsync rate is the higher of the two disk loops (" + anchorKind() + ").");
  }

  private String ratio(Predicate<Map<String, String>> num, Predicate<Map<String, String>> den) {
    double[] n = rates(num);
    double[] d = rates(den);
    return n.length == 0 || d.length == 0 ? "not measured"
        : String.format(Locale.ROOT, "%.2f×", OutboxBench.median(n) / OutboxBench.median(d));
  }

  /** The stricter anchor: whichever of the two disk loops is faster. */
  private Predicate<Map<String, String>> anchorFsync() {
    return is("test", "fsync", "kind", anchorKind());
  }

  private String anchorKind() {
    double[] a = rates(is("test", "fsync", "kind", "append"));
    double[] o = rates(is("test", "fsync", "kind", "overwrite"));
    if (a.length == 0) {
      return "overwrite";
    }
    return o.length == 0 || OutboxBench.median(a) >= OutboxBench.median(o) ? "append" : "overwrite";
  }

  private Predicate<Map<String, String>> bigDrain(String impl) {
    return m -> impl.equals(m.get("impl")) && "drain".equals(m.get("test")) && "pg".equals(m.get("store"))
        && m.containsKey("repeat");
  }

  private String count() {
    return first(is("test", "drain"), "n", first(is("test", "burst"), "n", "10000"));
  }

  private String batch() {
    return first(is("test", "enqueueall"), "batch", "1000");
  }

  private @Nullable String backlog() {
    String w = first(m -> "drain".equals(m.get("test")) && m.containsKey("repeat") && "1".equals(m.get("repeat")),
        "waiting",
        "");
    return w.isEmpty() ? null : String.format(Locale.ROOT, "%,d", Long.parseLong(w));
  }

  private String first(Predicate<Map<String, String>> p, String key, String otherwise) {
    return lines.stream().filter(p).map(m -> m.get(key)).filter(v -> v != null).findFirst().orElse(otherwise);
  }

  private static String storeName(String store) {
    return switch (store) {
      case "embedded" -> "embedded (fsync)";
      case "nofsync" -> "embedded without fsync";
      case "pg" -> "PostgreSQL";
      default -> store;
    };
  }
}
