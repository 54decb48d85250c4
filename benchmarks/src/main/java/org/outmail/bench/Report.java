package org.outmail.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Prints the results of {@link Throughput}, {@link MemoryCheck} and the JMH run as Markdown tables,
 * with every target of issue 6 and whether it was met.
 *
 * <pre>
 * java -cp benchmarks.jar org.outmail.bench.Report --results results.txt [--jmh jmh.csv]
 * </pre>
 */
public final class Report {
  private Report() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = Throughput.options(args);
    List<String> lines = Files.readAllLines(Path.of(Throughput.req(opt, "results")), StandardCharsets.UTF_8);
    List<String> jmh = opt.containsKey("jmh") && Files.exists(Path.of(opt.get("jmh")))
        ? Files.readAllLines(Path.of(opt.get("jmh")), StandardCharsets.UTF_8) : List.of();
    PrintStream out = System.out;
    printThroughput(out, lines);
    printTargets(out, lines, jmh);
  }

  /** One result line: its kind, then its tab-separated {@code name=value} fields. */
  static Map<String, String> fields(String line) {
    Map<String, String> f = new LinkedHashMap<>();
    String[] parts = line.split("\t");
    f.put("kind", parts[0]);
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0) {
        f.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
      }
    }
    return f;
  }

  /** Throughput results by "transport size mode". */
  private static Map<String, Map<String, String>> runs(List<String> lines) {
    Map<String, Map<String, String>> runs = new LinkedHashMap<>();
    for (String l : lines) {
      if (l.startsWith("tput\t")) {
        Map<String, String> f = fields(l);
        runs.put(f.get("transport") + " " + f.get("size") + " " + f.get("mode"), f);
      }
    }
    return runs;
  }

  static String size(String bytes) {
    int b = Integer.parseInt(bytes);
    return b % 1024 == 0 ? (b / 1024) + " KB" : b + " B";
  }

  static void printThroughput(PrintStream out, List<String> lines) {
    Map<String, Map<String, String>> runs = runs(lines);
    if (runs.isEmpty()) {
      return;
    }
    out.println("| transport | size | client | msgs/s | CPU µs/msg (JIT excluded) | mails measured |");
    out.println("|---|---|---|---:|---:|---:|");
    for (Map<String, String> f : runs.values()) {
      String desc = Throughput.Mode.of(f.getOrDefault("mode", "")).description;
      if (f.containsKey("error")) {
        out.printf(Locale.ROOT, "| %s | %s | %s | FAILED: %s | | |%n", f.get("transport"),
            size(f.getOrDefault("size", "0")), desc, f.get("error"));
      } else {
        out.printf(Locale.ROOT, "| %s | %s | %s | %,.0f | %,.0f | %s |%n", f.get("transport"),
            size(f.getOrDefault("size", "0")), desc,
            Double.parseDouble(f.get("rate")), Double.parseDouble(f.get("cpu_us")), f.get("msgs"));
      }
    }
    out.println();
    Set<String> groups = new LinkedHashSet<>();
    for (Map<String, String> f : runs.values()) {
      groups.add(f.get("transport") + " " + f.get("size"));
    }
    out.println(
        "| transport | size | outmail-1 / Transport.send | outmail-1 / Angus persistent Nagle | outmail-1 / Angus persistent NODELAY"
            + " | outmail-4 / outmail-1 | outmail-4 / Angus 4 conns | CPU/msg outmail-4 / Angus 4 conns"
            + " |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|");
    for (String g : groups) {
      String[] tg = g.split(" ");
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", tg[0], size(tg[1]),
          fmt(ratio(runs, g, "outmail-1", "angus-send", "rate")),
          fmt(ratio(runs, g, "outmail-1", "angus-nagle", "rate")),
          fmt(ratio(runs, g, "outmail-1", "angus-nodelay", "rate")),
          fmt(ratio(runs, g, "outmail-4", "outmail-1", "rate")),
          fmt(ratio(runs, g, "outmail-4", "angus-nodelay-4", "rate")),
          fmt(ratio(runs, g, "outmail-4", "angus-nodelay-4", "cpu_us")));
    }
    out.println();
  }

  private static @Nullable Double value(Map<String, Map<String, String>> runs, String group, String mode,
      String field) {
    Map<String, String> f = runs.get(group + " " + mode);
    if (f == null || f.containsKey("error")) {
      return null;
    }
    return Double.parseDouble(f.get(field));
  }

  private static @Nullable Double ratio(Map<String, Map<String, String>> runs, String group, String a, String b,
      String field) {
    Double x = value(runs, group, a, field);
    Double y = value(runs, group, b, field);
    return x == null || y == null || y == 0 ? null : x / y;
  }

  private static String fmt(@Nullable Double ratio) {
    return ratio == null ? "–" : String.format(Locale.ROOT, "%.2f×", ratio);
  }

  private static void printTargets(PrintStream out, List<String> lines, List<String> jmh) {
    Map<String, Map<String, String>> runs = runs(lines);
    List<String[]> rows = new ArrayList<>();
    for (String t : List.of("plain", "tls")) {
      String g = t + " 1024";
      Double nd = value(runs, g, "angus-nodelay", "rate");
      Double ng = value(runs, g, "angus-nagle", "rate");
      if (nd != null || ng != null) {
        double best = Math.max(nd == null ? 0 : nd, ng == null ? 0 : ng);
        rows.add(target(runs, g, "1",
            t + " 1 KB, 1 connection: outmail ≥ 1.0× Angus persistent (the faster of NODELAY/Nagle)",
            best, 1.0, "msgs/s"));
      }
    }
    for (String t : List.of("plain", "tls")) {
      String g = t + " 102400";
      Double ng = value(runs, g, "angus-nagle", "rate");
      Double nd = value(runs, g, "angus-nodelay", "rate");
      if (ng != null) {
        rows.add(target(runs, g, "1", t + " 100 KB, 1 connection: outmail ≥ 10× Angus persistent with Nagle", ng, 10.0,
            "msgs/s"));
      }
      if (nd != null) {
        rows.add(target(runs, g, "1", t + " 100 KB, 1 connection: outmail ≥ 1.5× Angus persistent with TCP_NODELAY", nd,
            1.5, "msgs/s"));
      }
    }
    for (String size : List.of("1024", "102400")) {
      String g = "tls " + size;
      Double ts = value(runs, g, "angus-send", "rate");
      if (ts != null) {
        rows.add(target(runs, g, "1",
            "TLS " + size(size) + ": pooled outmail (1 connection) ≥ 5× Transport.send per message",
            ts, 5.0, "msgs/s"));
      }
    }
    Set<String> groups = new LinkedHashSet<>();
    for (Map<String, String> f : runs.values()) {
      groups.add(f.get("transport") + " " + f.get("size"));
    }
    for (String g : groups) {
      String[] tg = g.split(" ");
      String name = tg[0] + " " + size(tg[1]);
      String[] row = {name + ": 4 connections, 4 threads > 1 connection (msgs/s)", "–", "–"};
      Double r4 = value(runs, g, "outmail-4", "rate");
      Double r1 = value(runs, g, "outmail-1", "rate");
      if (r4 != null && r1 != null) {
        row[1] = String.format(Locale.ROOT, "%.2f× (%,.0f vs %,.0f)", r4 / r1, r4, r1);
        row[2] = r4 > r1 ? "yes" : "NO";
      }
      if (!row[1].equals("–")) {
        rows.add(row);
      }
      Double a4 = value(runs, g, "angus-nodelay-4", "cpu_us");
      if (a4 != null) {
        String[] cpu = {name + ": 4 connections, CPU/msg outmail ≤ Angus with 4 connections", "–", "–"};
        Double c4 = value(runs, g, "outmail-4", "cpu_us");
        if (c4 != null) {
          cpu[1] = String.format(Locale.ROOT, "%,.0f vs %,.0f µs", c4, a4);
          cpu[2] = c4 <= a4 ? "yes" : "NO";
        }
        if (!cpu[1].equals("–")) {
          rows.add(cpu);
        }
      }
    }
    for (String l : lines) {
      if (l.startsWith("mem\t")) {
        Map<String, String> f = fields(l);
        boolean ok = "true".equals(f.get("ok"));
        rows.add(new String[] {
            f.get("size_mb") + " MB attachment, heap " + f.get("heap_mb") + " MB: sent, no OutOfMemoryError",
            ok ? "sent in " + f.get("secs") + " s" : "FAILED: " + f.get("error"), ok ? "yes" : "NO"});
      }
    }
    for (String l : jmh) {
      String[] c = l.split(",");
      if (c.length < 7 || !c[0].contains("PipelineBenchmark")) {
        continue;
      }
      String name = c[0].replace("\"", "");
      name = name.substring(name.lastIndexOf('.') + 1);
      double score = Double.parseDouble(c[4]);
      String unit = c[6].replace("\"", "");
      String measured = String.format(Locale.ROOT, "%.2f ± %s %s", score, fmtErr(c[5]), unit);
      String what = name.equals("send")
          ? "core pipeline < 5 µs/mail (JMH, no-op transport; Email built once)"
          : "core pipeline incl. building the Email (JMH, no-op transport; for information)";
      rows.add(new String[] {what, measured, name.equals("send") ? (score < 5.0 ? "yes" : "NO") : "(info)"});
    }
    out.println("| target | outmail (transport-smtp) | met |");
    out.println("|---|---|---|");
    for (String[] r : rows) {
      out.printf("| %s | %s | %s |%n", (Object[]) r);
    }
  }

  /** A ratio target: outmail-N msgs/s against a baseline figure. */
  private static String[] target(Map<String, Map<String, String>> runs, String group, String n, String name,
      double baseline, double goal, String unit) {
    String[] row = {name, "–", "–"};
    Double v = value(runs, group, "outmail-" + n, "rate");
    if (v != null && baseline > 0) {
      row[1] = String.format(Locale.ROOT, "%.2f× (%,.0f vs %,.0f %s)", v / baseline, v, baseline, unit);
      row[2] = v / baseline >= goal ? "yes" : "NO";
    }
    return row;
  }

  private static String fmtErr(String error) {
    try {
      return String.format(Locale.ROOT, "%.2f", Double.parseDouble(error));
    } catch (NumberFormatException e) {
      return "?";
    }
  }

}
