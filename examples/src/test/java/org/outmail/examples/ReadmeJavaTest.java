package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.outmail.outbox.OutboxState;

/** The READMEs' Java examples can be copied as they are: they import what they use. */
class ReadmeJavaTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern IMPORT = Pattern.compile("(?m)^import ([\\w.]+)\\.(\\w+);$");
  /** A capitalised name, not after a dot: {@code MailEvent.Delivery} names a type nested in an imported one. */
  private static final Pattern TYPE = Pattern.compile("(?<!\\.)\\b[A-Z][a-z]\\w*\\b");
  /** Where the types of the examples come from; java.lang needs no import. */
  private static final List<String> PACKAGES = List.of("org.outmail", "org.outmail.outbox", "java.nio.file",
      "java.time", "java.util");

  @ParameterizedTest
  @ValueSource(strings = {"outbox/README.md"})
  void everyJavaExampleImportsTheTypesItUses(String readme) throws Exception {
    List<String> blocks = blocks(readme);

    assertThat(blocks).as("Java examples in " + readme).isNotEmpty();
    for (String block : blocks) {
      Set<String> imported = new TreeSet<>();
      Matcher i = IMPORT.matcher(block);
      while (i.find()) {
        imported.add(i.group(2));
        assertThat(known(i.group(1) + "." + i.group(2))).as(i.group()).isTrue();
      }
      Set<String> missing = new TreeSet<>();
      Matcher t = TYPE.matcher(IMPORT.matcher(block).replaceAll("").replaceAll("\"[^\"]*\"|//.*", ""));
      while (t.find()) {
        String name = t.group();
        if (!imported.contains(name) && PACKAGES.stream().anyMatch(p -> known(p + "." + name))) {
          missing.add(name);
        }
      }
      assertThat(missing).as("types used but not imported in " + readme + ":\n" + block).isEmpty();
    }
  }

  @Test
  void outboxReadmeShowsHowToWaitUntilNoMailIsLeftToSend() throws Exception {
    String drain = blocks("outbox/README.md").stream().filter(b -> b.contains("awaitDrained")).findFirst().orElse("");

    assertThat(drain).as("a Java example waiting for the queue to drain").isNotEmpty();
    List<String> counted = new ArrayList<>();
    Arrays.stream(OutboxState.values()).filter(s -> !s.isFinished())
        .forEach(s -> counted.add("outbox.count(OutboxState." + s.name() + ")"));
    assertThat(drain).contains(counted);
  }

  private static List<String> blocks(String readme) throws Exception {
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(Files.readString(ROOT.resolve(readme), StandardCharsets.UTF_8));
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private static boolean known(String className) {
    try {
      Class.forName(className, false, ReadmeJavaTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
