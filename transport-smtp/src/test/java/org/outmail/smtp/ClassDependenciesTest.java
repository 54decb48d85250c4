package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module reads downward: among its classes no chain of dependencies leads back to where it
 * started (a nested class counts as its outer class), so every class can be read knowing only the
 * ones below it; and no class of the module is over 400 lines. The graph is read from the compiled
 * classes with the JDK's {@code jdeps}, as core's {@code PackageDependenciesTest} does.
 */
class ClassDependenciesTest {
  private static final Pattern EDGE = Pattern
      .compile("^\\s+org\\.outmail\\.smtp\\.([\\w$]+)\\s+->\\s+org\\.outmail\\.smtp\\.([\\w$]+)", Pattern.MULTILINE);

  /** Class to the classes of the module it names, nested classes folded into their outer class. */
  private static Map<String, Set<String>> graph() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new AssertionError("jdeps not found in this JDK"));
    StringWriter out = new StringWriter();
    int code = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
        Path.of("target", "classes").toString());
    assertThat(code).as(out.toString()).isZero();
    Map<String, Set<String>> graph = new TreeMap<>();
    Matcher m = EDGE.matcher(out.toString());
    while (m.find()) {
      String from = m.group(1).replaceAll("\\$.*", "");
      String to = m.group(2).replaceAll("\\$.*", "");
      if (!from.equals(to)) {
        graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
      }
    }
    return graph;
  }

  @Test
  void noChainOfClassDependenciesLeadsBackToItsStart() {
    Map<String, Set<String>> graph = graph();
    assertThat(graph).as("jdeps found the module's edges").containsKey("SmtpTransport");
    assertThat(graph.get("SmtpTransport")).contains("ConnectionPool");

    List<List<String>> cycles = stronglyConnected(graph).stream().filter(c -> c.size() > 1).toList();

    assertThat(cycles).as("classes that depend on each other, directly or through others (each group with "
        + "its edges: %s)", cycles.stream().map(c -> edgesWithin(graph, c)).toList()).isEmpty();
  }

  @Test
  void noClassOfTheModuleIsOverFourHundredLines() throws IOException {
    Map<String, Long> tooLong = new TreeMap<>();
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        long lines;
        try (Stream<String> l = Files.lines(f)) {
          lines = l.count();
        }
        if (lines > 400) {
          tooLong.put(f.getFileName().toString(), lines);
        }
      }
    }
    assertThat(tooLong).isEmpty();
  }

  private static List<String> edgesWithin(Map<String, Set<String>> graph, List<String> group) {
    List<String> edges = new ArrayList<>();
    for (String from : group) {
      for (String to : graph.getOrDefault(from, Set.of())) {
        if (group.contains(to)) {
          edges.add(from + " -> " + to);
        }
      }
    }
    return edges;
  }

  /** Tarjan's strongly connected components. */
  private static List<List<String>> stronglyConnected(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<List<String>> components = new ArrayList<>();
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, graph, index, low, stack, onStack, components);
      }
    }
    return components;
  }

  private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<List<String>> components) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, components);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      components.add(component);
    }
  }
}
