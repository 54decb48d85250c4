package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Dependencies run one way: the transport SPI and the OAuth package name the model types a
 * transport needs, never the registry, the mailer or the pipeline steps; OAuth does not reach
 * into the SPI. Read from the compiled classes with the JDK's {@code jdeps}.
 */
class PackageDependenciesTest {
  /** The registry, the mailer, the pipeline steps and the configuration loading. */
  private static final Set<String> PIPELINE = Set.of("MailboxRegistry", "OutgoingMailer", "AsyncSends",
      "RecipientFilter", "MessageFactory", "Retrier", "HookRunner", "ConfigLoader", "PropertiesFile",
      "MailboxFields", "SendListener", "Suggestions");
  private static final Pattern EDGE = Pattern.compile("^\\s+(org\\.outmail\\.[\\w.$]+)\\s+->\\s+(org\\.outmail\\.[\\w.$]+)",
      Pattern.MULTILINE);

  private static Set<String> edges() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps not found in this JDK"));
    StringWriter out = new StringWriter();
    Path classes = Path.of("target", "classes");
    int code = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none", classes.toString());
    assertThat(code).as(out.toString()).isZero();
    Set<String> edges = new TreeSet<>();
    Matcher m = EDGE.matcher(out.toString());
    while (m.find()) {
      edges.add(m.group(1).replaceAll("\\$.*", "") + " -> " + m.group(2).replaceAll("\\$.*", ""));
    }
    return edges;
  }

  @Test
  void spiAndOAuthNeverReachTheRegistryTheMailerOrThePipeline() {
    Set<String> edges = edges();
    assertThat(edges).as("jdeps found the SPI's own edges").anyMatch(e -> e.startsWith("org.outmail.spi.TransportProvider -> "));

    List<String> wrong = edges.stream()
        .filter(e -> e.startsWith("org.outmail.spi.") || e.startsWith("org.outmail.oauth."))
        .filter(e -> {
          String target = e.substring(e.indexOf("-> ") + 3);
          String simple = target.substring(target.lastIndexOf('.') + 1);
          return target.equals("org.outmail." + simple) && PIPELINE.contains(simple);
        })
        .toList();
    assertThat(wrong).isEmpty();
  }

  @Test
  void oauthDoesNotDependOnTheSpi() {
    assertThat(edges()).noneMatch(e -> e.startsWith("org.outmail.oauth.") && e.contains("-> org.outmail.spi."));
  }
}
