package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Command;

/** The READMEs' command lines name configuration files that exist, so that they can be run as written. */
class ReadmeTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern CONFIG = Pattern.compile("(?:--config|-c) ([^\\s`]+)");

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "examples/README.md"})
  void everyConfigurationFileOnACommandLineExists(String readme) throws Exception {
    String text = Files.readString(ROOT.resolve(readme), StandardCharsets.UTF_8);
    List<String> files = new ArrayList<>();
    Matcher m = CONFIG.matcher(text);
    while (m.find()) {
      if (!m.group(1).equals("FILE")) {
        files.add(m.group(1));
      }
    }

    assertThat(files).as("configuration files in " + readme).isNotEmpty()
        .allSatisfy(f -> assertThat(ROOT.resolve(f)).as(readme + " names " + f).isRegularFile());
  }

  /** A README that writes {@code outmail COMMAND} says first what {@code outmail} is. */
  @ParameterizedTest
  @ValueSource(strings = {"README.md", "examples/README.md"})
  void outmailIsDefinedBeforeItsFirstCommand(String readme) throws Exception {
    String text = Files.readString(ROOT.resolve(readme), StandardCharsets.UTF_8);
    Matcher command = Pattern.compile("(?m)(^|`)outmail (list|check|send|sink|oauth|console|outbox)\\b").matcher(text);

    assertThat(command.find()).as(readme + " runs outmail").isTrue();
    int alias = text.indexOf("alias outmail='java -jar ");
    alias = alias >= 0 ? alias : text.indexOf("alias outmail=\"java -jar ");
    assertThat(alias).as("alias outmail=... in " + readme).isNotNegative().isLessThan(command.start());
  }

  /** The root README's Modules table names every command of the CLI, subcommands included. */
  @org.junit.jupiter.api.Test
  void modulesTableNamesEveryCommand() throws Exception {
    String row = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("| [`examples`]")).findFirst().orElse("");
    List<String> missing = new ArrayList<>();
    for (Class<?> sub : OutmailCli.class.getAnnotation(Command.class).subcommands()) {
      String name = sub.getAnnotation(Command.class).name();
      if (!name.equals("help") && !row.contains(name)) {
        missing.add(name);
      }
      for (Class<?> subsub : sub.getAnnotation(Command.class).subcommands()) {
        String n = subsub.getAnnotation(Command.class).name();
        if (!n.equals("help") && !row.contains(n)) {
          missing.add(name + " " + n);
        }
      }
    }

    assertThat(row).isNotEmpty();
    assertThat(missing).as("commands the Modules table leaves out").isEmpty();
  }
}
