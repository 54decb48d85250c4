package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a secret comes from (the process environment, a literal or an absolute file in a
 * configuration file) and what redaction leaves alone: no text, and values too short to be told
 * from ordinary words.
 */
class SecretSourcesTest {
  @Test
  void readsAVariableOfTheProcessEnvironment() {
    String name = System.getenv().keySet().stream().filter(k -> !System.getenv(k).isEmpty()).findFirst().orElseThrow();

    Secret s = Secret.env(name);

    assertThat(s.value()).isEqualTo(System.getenv(name));
    assertThat(s.source()).isEqualTo("env:" + name);
  }

  @Test
  void redactingNoTextGivesNoText() {
    List<Secret> secrets = Arrays.asList(Secret.of("s3cret-value"), null);

    assertThat(Secret.redact((String) null, secrets)).isNull();
    assertThat(Secret.redact("", secrets)).isEmpty();
    assertThat(Secret.redact("token s3cret-value", secrets)).isEqualTo("token ****");
  }

  @Test
  void aValueShorterThanFourCharactersIsNotRedacted() {
    assertThat(Secret.redact("the key abc is short", "abc")).isEqualTo("the key abc is short");
    assertThat(Secret.redact("the key abcd is long enough", "abcd")).isEqualTo("the key **** is long enough");
    assertThat(Secret.redact("no value", (String) null)).isEqualTo("no value");
  }

  @Test
  void aConfigurationFileKeepsLiteralSecretsAndAbsoluteFileReferences(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("sales.pw"), "from-absolute-file\n");
    Path file = Files.writeString(dir.resolve("outmail.properties"), String.join("\n",
        "outmail.mailbox.desk.email-display=desk@example.com",
        "outmail.mailbox.desk.username=desk",
        "outmail.mailbox.desk.password=literal-pw",
        "outmail.mailbox.sales.email-display=sales@example.com",
        "outmail.mailbox.sales.username=sales",
        "outmail.mailbox.sales.password=${file:" + key.toAbsolutePath() + "}",
        ""));

    MailboxStore store = MailboxStore.propertiesFile(file);

    assertThat(store.get("desk").orElseThrow().password()).map(Secret::value).contains("literal-pw");
    assertThat(store.get("sales").orElseThrow().password()).map(Secret::value).contains("from-absolute-file");
  }

  @Test
  void secretsWithDifferentValuesAreNotEqual() {
    assertThat(Secret.of("first-value")).isEqualTo(Secret.parse("first-value")).isNotEqualTo(Secret.of("other-value"));
  }

  @Test
  void aValueEchoedUrlEncodedIsRedacted() {
    assertThat(Secret.redact("client_secret=p%40ss+w%2Frd&grant_type=x", "p@ss w/rd"))
        .isEqualTo("client_secret=****&grant_type=x");
    assertThat(Secret.redact("client_secret=p%40ss%20w%2Frd", "p@ss w/rd")).isEqualTo("client_secret=****");
  }

  @Test
  void aValueEchoedInJsonIsRedacted() {
    assertThat(Secret.redact("{\"secret\":\"a\\/b\\\"c\"}", "a/b\"c")).isEqualTo("{\"secret\":\"****\"}");
  }
}
