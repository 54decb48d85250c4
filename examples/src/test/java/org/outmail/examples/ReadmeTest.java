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
}
