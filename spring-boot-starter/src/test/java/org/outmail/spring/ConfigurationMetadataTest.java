package org.outmail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Setting;
import org.outmail.oauth.OAuthClient;
import org.springframework.boot.json.JsonParserFactory;

/**
 * The metadata the build wrote into the jar (by {@link ConfigurationMetadataWriter}) documents every
 * key of outmail and of the starter, and never a secret.
 */
class ConfigurationMetadataTest {
  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata() throws IOException {
    try (InputStream in = ConfigurationMetadataTest.class
        .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json written by the build").isNotNull();
      return JsonParserFactory.getJsonParser().parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> metadata, String name) {
    return (List<Map<String, Object>>) metadata.get(name);
  }

  @SuppressWarnings("unchecked")
  private static List<String> hintValues(Map<String, Object> metadata, String hint) {
    return list(metadata, "hints").stream().filter(h -> h.get("name").equals(hint))
        .flatMap(h -> ((List<Map<String, Object>>) h.get("values")).stream()).map(v -> (String) v.get("value"))
        .toList();
  }

  @Test
  void jarCarriesWhatTheWriterWritesNow() throws IOException {
    try (InputStream in = ConfigurationMetadataTest.class
        .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(ConfigurationMetadataWriter.json());
    }
  }

  @Test
  void everyMailboxFieldAndEveryTransportSettingIsAKeyHint() throws IOException {
    List<String> keys = hintValues(metadata(), "outmail.mailbox.keys");

    for (Setting s : Mailbox.textForm().fields()) {
      assertThat(keys).contains("ID." + s.name());
    }
    assertThat(MailboxRegistry.transportSettings()).containsKeys("smtp", "owa");
    MailboxRegistry.transportSettings().forEach(
        (protocol, settings) -> settings.forEach(s -> assertThat(keys).contains("ID." + protocol + "." + s.name())));
    assertThat(keys).contains("ID.smtp.max-connections", "ID.owa.save-to-sent-items", "ID.email-display");
  }

  @Test
  void everyOAuthClientFieldIsAKeyHint() throws IOException {
    List<String> keys = hintValues(metadata(), "outmail.oauth-client.keys");

    assertThat(keys)
        .containsExactlyElementsOf(OAuthClient.textForm().fields().stream().map(s -> "NAME." + s.name()).toList());
  }

  @Test
  void starterKeysAreExactPropertiesWithTypesAndDefaults() throws IOException {
    List<Map<String, Object>> properties = list(metadata(), "properties");

    assertThat(properties).filteredOn(p -> p.get("name").equals("outmail.health.cache")).singleElement()
        .satisfies(p -> assertThat(p).containsEntry("type", "java.time.Duration").containsEntry("defaultValue", "60s"));
    assertThat(properties).filteredOn(p -> p.get("name").equals("outmail.enabled")).singleElement()
        .satisfies(p -> assertThat(p).containsEntry("defaultValue", true));
    assertThat(properties).extracting(p -> p.get("name")).contains("outmail.mailbox", "outmail.oauth-client",
        "outmail.token-store.file");
  }

  @Test
  void secretsAreMarkedAndHaveNoDefault() throws IOException {
    String json = ConfigurationMetadataWriter.json();
    Setting password = Mailbox.textForm().fields().stream().filter(s -> s.name().equals("password")).findFirst()
        .orElseThrow();

    assertThat(ConfigurationMetadataWriter.describe(password))
        .isEqualTo(password.help() + " (secret; secret: a literal, ${env:NAME} or ${file:path})");
    assertThat(json).contains("\"value\": \"NAME.client-secret\"");
    assertThat(metadata()).isNotEmpty();
  }
}
