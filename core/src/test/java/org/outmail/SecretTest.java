package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {
  @Test
  void toStringNeverShowsTheValue() {
    Secret s = Secret.of("hunter2");
    assertThat(s.toString()).isEqualTo("Secret[****]");
    assertThat(String.valueOf(s)).doesNotContain("hunter2");
    assertThat(s.value()).isEqualTo("hunter2");
  }

  @Test
  void readsAnEnvironmentVariable() {
    Secret s = Secret.env("SMTP_PW", Map.of("SMTP_PW", "from-env")::get);
    assertThat(s.value()).isEqualTo("from-env");
    assertThat(s.source()).isEqualTo("env:SMTP_PW");
  }

  @Test
  void missingEnvironmentVariableIsAnError() {
    assertThatThrownBy(() -> Secret.env("NOPE", Map.<String, String>of()::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("environment variable NOPE is not set");
  }

  @Test
  void readsAFileWithoutTrailingLineBreak(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("pw");
    Files.writeString(f, "from-file\n");
    assertThat(Secret.file(f).value()).isEqualTo("from-file");
    assertThat(Secret.parse("${file:" + f + "}").value()).isEqualTo("from-file");
  }

  @Test
  void unreadableFileIsAnErrorWithoutContent(@TempDir Path dir) {
    assertThatThrownBy(() -> Secret.file(dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret file " + dir.resolve("missing") + " cannot be read (NoSuchFileException)");
  }

  @Test
  void parsesTheThreeForms() {
    assertThat(Secret.parse("literal").value()).isEqualTo("literal");
    assertThat(Secret.parse("${env:X}", Map.of("X", "x")::get).value()).isEqualTo("x");
    assertThatThrownBy(() -> Secret.parse("${vault:x}")).hasMessageContaining("unknown secret reference");
  }

  @Test
  void incompleteReferenceIsAnErrorNotALiteral() {
    assertThatThrownBy(() -> Secret.parse("${env:SMTP_PW", Map.of("SMTP_PW", "x")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("is not a complete ${env:NAME} reference: the closing } is missing");
    assertThatThrownBy(() -> Secret.parse("${file:/run/secrets/pw} "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("is not a complete ${file:path} reference: there is text after the closing }");
  }
}
