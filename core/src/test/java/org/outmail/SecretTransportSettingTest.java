package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.spi.SettingValues;
import org.outmail.testing.VaultTransportProvider;

/**
 * A transport's secret setting (the test transport's {@code vault.api-key}, as the SMTP transport's
 * {@code smtp.dkim.private-key}) is held as a {@link Secret}: in {@link Mailbox#secrets()}, never in
 * the mailbox's text form, and still read by its transport.
 */
class SecretTransportSettingTest {
  private static final TextForm<Mailbox, Mailbox.Builder> F = Mailbox.textForm();
  static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";

  static Mailbox.Builder vault() {
    return Mailbox.builder("signed").emailDisplay("desk@example.com").protocol("vault").host("vault.example");
  }

  @Test
  void aSecretTransportSettingIsASecretNeverText() {
    Mailbox m = vault().setting("vault.api-key", KEY).setting("vault.region", "eu").build();

    assertThat(F.secrets(m)).containsEntry("vault.api-key", Secret.of(KEY));
    assertThat(m.settings()).containsOnlyKeys("vault.region");
    assertThat(m.settings("vault")).containsOnlyKeys("region");
    assertThat(F.values(m)).containsEntry("vault.region", "eu").doesNotContainKey("vault.api-key");
    assertThat(F.values(m).toString()).doesNotContain("PRIVATE KEY", "MIIE");
    assertThat(m.toString()).doesNotContain("PRIVATE KEY", "MIIE");
  }

  @Test
  void setResolvesASecretSettingsReferenceLikeAPassword() {
    Mailbox m = F.set(vault(), "vault.api-key", "${env:VAULT_KEY}", Map.of("VAULT_KEY", "k-123456")::get).build();

    assertThat(F.secrets(m).get("vault.api-key").value()).isEqualTo("k-123456");
    assertThat(F.secrets(m).get("vault.api-key").source()).isEqualTo("env:VAULT_KEY");
    assertThat(F.values(m).values()).doesNotContain("k-123456", "${env:VAULT_KEY}");
  }

  @Test
  void anUnresolvableReferenceIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> F.set(vault(), "vault.api-key", "${env:NO_SUCH}", n -> null))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'signed': vault.api-key environment variable NO_SUCH is not set");
  }

  @Test
  void valuesAndSecretsRebuildTheMailboxWithItsSecretSetting() {
    Mailbox m = F.secret(vault(), "vault.api-key", Secret.of(KEY)).setting("vault.region", "eu").build();
    Mailbox.Builder b = Mailbox.builder(m.id());
    F.values(m).forEach((k, v) -> F.set(b, k, v));
    F.secrets(m).forEach((k, v) -> F.secret(b, k, v));
    Mailbox copy = b.build();

    assertThat(copy.sameAs(m)).isTrue();
    assertThat(F.secrets(copy)).isEqualTo(F.secrets(m));
    assertThat(F.secrets(m.toBuilder().build())).containsKey("vault.api-key");
    assertThat(m.sameAs(F.secret(m.toBuilder(), "vault.api-key", Secret.of("another")).build())).isFalse();
  }

  @Test
  void theTransportReadsTheSecretSetting() {
    Mailbox m = vault().setting("vault.api-key", KEY).build();
    try (MailboxRegistry registry = MailboxRegistry.builder().mailbox(m).build()) {
      assertThat(registry.outgoing("signed").check().message())
          .isEqualTo("vault ready with a key of " + KEY.length() + " characters on 3 lines");
    }
    assertThat(SettingValues.of(m, "vault", VaultTransportProviderSettings.get()).secret("api-key"))
        .contains(Secret.of(KEY));
  }

  @Test
  void theRegistryRefusesASecretForASettingThatIsNotSecret() {
    Mailbox m = F.secret(vault(), "vault.region", Secret.of("eu")).build();

    assertThat(F.secrets(m)).containsKey("vault.region");
    assertThatThrownBy(() -> MailboxRegistry.builder().mailbox(m).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("mailbox 'signed': vault.region is not a secret setting; give it as text");
  }

  @Test
  void theRegistryRefusesASecretForAnUnknownSetting() {
    Mailbox m = F.secret(vault(), "vault.api-kye", Secret.of("k")).build();

    assertThatThrownBy(() -> MailboxRegistry.builder().mailbox(m).build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("vault.api-kye is not a setting of protocol vault; did you mean vault.api-key?");
  }

  @Test
  void aFormsCheckReportsASecretGivenForASettingThatIsNotSecret() {
    try (MailboxRegistry registry = MailboxRegistry.builder().build()) {
      assertThat(registry.validate(F.secret(vault(), "vault.region", Secret.of("eu")).build()))
          .containsExactly(Map.entry("vault.region", "is not a secret setting; give it as text"));
    }
  }

  @Test
  void aFormsCheckReportsASecretGivenForAnUnknownSettingWithTheSettingMeant() {
    try (MailboxRegistry registry = MailboxRegistry.builder().build()) {
      assertThat(registry.validate(F.secret(vault(), "vault.api-kye", Secret.of("k")).build()))
          .containsExactly(Map.entry("vault.api-kye", "is not a setting of protocol vault; did you mean vault.api-key? "
              + "its settings: [api-key, region, seal.domain, seal.private-key]"));
    }
  }

  @Test
  void aFormsCheckReportsEverySecretSettingThatIsWrongNotOnlyTheFirst() {
    try (MailboxRegistry registry = MailboxRegistry.builder().build()) {
      assertThat(registry
          .validate(F.secret(F.secret(vault(), "vault.api-kye", Secret.of("k")), "vault.region", Secret.of("eu"))
              .build()))
          .containsOnly(Map.entry("vault.api-kye", "is not a setting of protocol vault; did you mean vault.api-key? "
              + "its settings: [api-key, region, seal.domain, seal.private-key]"),
              Map.entry("vault.region", "is not a secret setting; give it as text"));
    }
  }

  @Test
  void aFormsCheckAcceptsTheSecretSettingsOfTheMailboxesTransport() {
    try (MailboxRegistry registry = MailboxRegistry.builder().build()) {
      assertThat(registry.validate(F.secret(F.secret(vault(), "vault.api-key", Secret.of(KEY)),
          "vault.seal.private-key", Secret.of(KEY)).setting("vault.seal.domain", "example.com").build()))
          .isEmpty();
    }
  }

  @Test
  void aFormsCheckReportsASecretOfAnotherProtocolAsSuchNotAsTheSettingOfTheSameName() {
    // other.region has the length of vault.region: it is not taken for the vault's region
    try (MailboxRegistry registry = MailboxRegistry.builder().build()) {
      assertThat(registry.validate(F.secret(vault(), "other.region", Secret.of("eu")).build()))
          .containsExactly(
              Map.entry("other.region", "is a setting of protocol other, but the mailbox's protocol is vault"));
    }
  }

  @Test
  void secretRefusesAKeyThatIsNeitherASecretFieldNorATransportSetting() {
    assertThatThrownBy(() -> F.secret(vault(), "username", Secret.of("x")))
        .isInstanceOf(MailboxConfigException.class)
        .hasMessageContaining("username is not a secret field")
        .hasMessageContaining("smtp.dkim.private-key");
  }

  @Test
  void aFormValidatesASecretSettingGivenApart() {
    Map<String, String> fields = Map.of("id", "signed", "email-display", "desk@example.com", "protocol", "vault",
        "host", "vault.example");
    assertThat(F.validate(fields, Map.of("vault.api-key", Secret.of(KEY)))).isEmpty();
  }

  @Test
  void aPropertiesFileGivesTheSecretSettingAsAFileReference(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("vault.key"), KEY + "\n");
    Path props = dir.resolve("outmail.properties");
    Files.writeString(props, String.join("\n",
        "outmail.mailbox.signed.email-display=desk@example.com",
        "outmail.mailbox.signed.protocol=vault",
        "outmail.mailbox.signed.host=vault.example",
        "outmail.mailbox.signed.vault.api-key=${file:vault.key}", ""));
    try (MailboxRegistry registry = MailboxRegistry.load(props)) {
      Mailbox m = registry.mailbox("signed");
      assertThat(F.secrets(m).get("vault.api-key").value()).isEqualTo(KEY);
      assertThat(F.values(m).toString()).doesNotContain("vault.key", "PRIVATE KEY");
    }
  }

  /** The test transport's settings, as its provider describes them. */
  static final class VaultTransportProviderSettings {
    static java.util.List<Setting> get() {
      return new VaultTransportProvider().settings();
    }
  }
}
