package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Dependencies run one way: the transport SPI and the OAuth package name the model types a
 * transport needs, never the registry, the mailer or the engine ({@code org.outmail.internal});
 * OAuth does not reach into the SPI. The only package cycles are the API ⇄ SPI and API ⇄ engine
 * edges listed here and in the README's design notes: a new one fails the build. Read from the compiled classes with the JDK's {@code
 * jdeps}.
 */
class PackageDependenciesTest {
  /**
   * The {@code org.outmail} types that {@code spi} and {@code oauth} may name: values, the
   * exceptions, and the file and secret helpers they share with the API.
   */
  private static final Set<String> VALUE_TYPES = Set.of("Mailbox", "Attachment", "Secret", "SecretsKey", "Setting",
      "CheckResult", "MailException", "MailboxConfigException", "BoundedFiles", "ProxySettings", "TextForm");

  /**
   * Every class edge inside a package cycle from {@code org.outmail} and from {@code spi}, as the
   * README's design notes list them. The API names its SPIs (a mailbox's OAuth client, the registry
   * builder's token providers and store) and its two engine classes drive them (the registry finds
   * providers, the mailer opens transports and hands them messages); the API's classes hand their
   * work to the engine in {@code org.outmail.internal} ({@code ApiAccess} gives the engine their
   * package-private members); the SPIs name the API's value types back. The engine's own edges are
   * not listed: it is the implementation, and may use every package of core.
   */
  private static final Set<String> CYCLE_EDGES = Set.of(
      // org.outmail -> org.outmail.oauth: the API names OAuth clients and token stores; the mailer's Check reads token warnings
      "org.outmail.ApiAccess -> org.outmail.oauth.TokenStore",
      "org.outmail.Mailbox -> org.outmail.oauth.OAuthClient",
      "org.outmail.MailboxBuilder -> org.outmail.oauth.OAuthClient",
      "org.outmail.MailboxFields -> org.outmail.oauth.OAuthClient",
      "org.outmail.MailboxRegistry -> org.outmail.oauth.AccessTokenProvider",
      "org.outmail.MailboxRegistry -> org.outmail.oauth.TokenStore",
      "org.outmail.OutgoingMailer -> org.outmail.oauth.AccessTokens",
      "org.outmail.OutgoingMailer -> org.outmail.oauth.OAuthClient",
      // org.outmail -> org.outmail.spi: the registry finds providers, the mailer drives its transport
      "org.outmail.ApiAccess -> org.outmail.spi.TransportContext",
      "org.outmail.ApiAccess -> org.outmail.spi.TransportProvider",
      "org.outmail.MailboxRegistry -> org.outmail.spi.TransportProvider",
      "org.outmail.OutgoingMailer -> org.outmail.spi.MailTransport",
      "org.outmail.OutgoingMailer -> org.outmail.spi.OutgoingMessage",
      "org.outmail.OutgoingMailer -> org.outmail.spi.TransportContext",
      "org.outmail.OutgoingMailer -> org.outmail.spi.TransportProvider",
      "org.outmail.OutgoingMailer -> org.outmail.spi.TransportReceipt",
      // org.outmail.spi -> org.outmail.oauth: a transport gets its mailbox's tokens from the context
      "org.outmail.spi.TransportContext -> org.outmail.oauth.AccessTokens",
      // org.outmail -> org.outmail.internal: the registry and the mailer delegate to the engine, the
      // values check addresses and header text with its address rules, and the store loads properties files
      "org.outmail.ApiAccess -> org.outmail.internal.Access",
      "org.outmail.ApiAccess -> org.outmail.internal.AsyncSends",
      "org.outmail.ApiAccess -> org.outmail.internal.Mailers",
      "org.outmail.ApiAccess -> org.outmail.internal.PreparedEmail",
      "org.outmail.ApiAccess -> org.outmail.internal.StoreFollower",
      "org.outmail.Attachment -> org.outmail.internal.Addresses",
      "org.outmail.Email -> org.outmail.internal.Addresses",
      "org.outmail.MailboxBuilder -> org.outmail.internal.Addresses",
      "org.outmail.Setting -> org.outmail.internal.Addresses",
      "org.outmail.MailboxRegistry -> org.outmail.internal.ConfigLoader",
      "org.outmail.MailboxRegistry -> org.outmail.internal.Mailers",
      "org.outmail.MailboxRegistry -> org.outmail.internal.RegistryAssembly",
      "org.outmail.MailboxRegistry -> org.outmail.internal.RegistrySnapshot",
      "org.outmail.MailboxRegistry -> org.outmail.internal.StoreFollower",
      "org.outmail.MailboxStore -> org.outmail.internal.ConfigLoader",
      "org.outmail.OutgoingMailer -> org.outmail.internal.AsyncSends",
      "org.outmail.OutgoingMailer -> org.outmail.internal.HookRunner",
      "org.outmail.OutgoingMailer -> org.outmail.internal.MessageFactory",
      "org.outmail.OutgoingMailer -> org.outmail.internal.PreparedEmail",
      "org.outmail.OutgoingMailer -> org.outmail.internal.RecipientFilter",
      "org.outmail.OutgoingMailer -> org.outmail.internal.Retrier",
      "org.outmail.OutgoingMailer -> org.outmail.internal.SendEvents");

  /** The registry and the mailer: {@code spi} and {@code oauth} never name them. */
  private static final Set<String> ENGINE_DRIVERS = Set.of("org.outmail.MailboxRegistry", "org.outmail.OutgoingMailer");
  private static final String INTERNAL = "org.outmail.internal.";
  private static final Pattern EDGE = Pattern.compile(
      "^\\s+(org\\.outmail\\.[\\w.$]+)\\s+->\\s+(org\\.outmail\\.[\\w.$]+)",
      Pattern.MULTILINE);

  private static Set<String> edges() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new AssertionError("jdeps not found in this JDK"));
    StringWriter out = new StringWriter();
    Path classes = Path.of("target", "classes");
    int code = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
        classes.toString());
    assertThat(code).as(out.toString()).isZero();
    Set<String> edges = new TreeSet<>();
    Matcher m = EDGE.matcher(out.toString());
    while (m.find()) {
      edges.add(m.group(1).replaceAll("\\$.*", "") + " -> " + m.group(2).replaceAll("\\$.*", ""));
    }
    return edges;
  }

  @Test
  void spiAndOAuthNeverReachTheRegistryTheMailerOrTheInternals() {
    Set<String> edges = edges();
    assertThat(edges).as("jdeps found the SPI's own edges")
        .anyMatch(e -> e.startsWith("org.outmail.spi.TransportProvider -> "));
    assertThat(edges).as("jdeps found the engine's edges").anyMatch(e -> e.startsWith(INTERNAL + "Retrier -> "));

    List<String> wrong = edges.stream()
        .filter(e -> e.startsWith("org.outmail.spi.") || e.startsWith("org.outmail.oauth."))
        .filter(e -> {
          String target = e.substring(e.indexOf("-> ") + 3);
          return ENGINE_DRIVERS.contains(target) || target.startsWith(INTERNAL);
        })
        .toList();
    assertThat(wrong).isEmpty();
  }

  @Test
  void spiAndOAuthNameOnlyTheApisValueTypes() {
    List<String> wrong = edges().stream()
        .filter(e -> e.startsWith("org.outmail.spi.") || e.startsWith("org.outmail.oauth."))
        .filter(e -> {
          String target = e.substring(e.indexOf("-> ") + 3);
          String simple = target.substring(target.lastIndexOf('.') + 1);
          return target.equals("org.outmail." + simple) && !VALUE_TYPES.contains(simple);
        })
        .toList();
    assertThat(wrong).as("spi and oauth reach org.outmail beyond its value types").isEmpty();
  }

  @Test
  void theOnlyPackageCyclesAreTheListedApiSpiEdges() {
    Set<String> edges = edges();
    Map<String, Set<String>> graph = new HashMap<>();
    for (String e : edges) {
      String from = packageOf(e.substring(0, e.indexOf(" -> ")));
      String to = packageOf(e.substring(e.indexOf("-> ") + 3));
      if (!from.equals(to)) {
        graph.computeIfAbsent(from, k -> new HashSet<>()).add(to);
      }
    }
    List<String> inCycles = edges.stream()
        .filter(e -> {
          String from = packageOf(e.substring(0, e.indexOf(" -> ")));
          String to = packageOf(e.substring(e.indexOf("-> ") + 3));
          return !from.equals(to) && reaches(graph, to, from);
        })
        .toList();
    assertThat(inCycles).as("class edges inside package cycles").isNotEmpty();
    assertThat(inCycles.stream().filter(e -> !CYCLE_EDGES.contains(e) && !isValueEdgeBack(e) && !e.startsWith(INTERNAL))
        .toList())
        .as("new class edges closing a package cycle: move the class, or list the edge in the README's design notes")
        .isEmpty();
    assertThat(CYCLE_EDGES.stream().filter(e -> !edges.contains(e)).toList())
        .as("listed edges that are gone: drop them from the list and the README")
        .isEmpty();
  }

  /** The way back of an API ⇄ SPI cycle: spi or oauth naming a value type (checked above). */
  private static boolean isValueEdgeBack(String edge) {
    String target = edge.substring(edge.indexOf("-> ") + 3);
    return (edge.startsWith("org.outmail.spi.") || edge.startsWith("org.outmail.oauth."))
        && packageOf(target).equals("org.outmail");
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
    Set<String> seen = new HashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      String p = todo.poll();
      if (p.equals(to)) {
        return true;
      }
      if (seen.add(p)) {
        todo.addAll(graph.getOrDefault(p, Set.of()));
      }
    }
    return false;
  }

  @Test
  void oauthDoesNotDependOnTheSpi() {
    assertThat(edges()).noneMatch(e -> e.startsWith("org.outmail.oauth.") && e.contains("-> org.outmail.spi."));
  }
}
