package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.outmail.spi.MailTransport;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;
import org.outmail.testing.RecordingTransportProvider;

/**
 * A form's view of a mailbox's transport settings ({@link MailboxRegistry#validate}): every wrong
 * one by its key, a required one missing, a setting of another protocol, and none to check when no
 * transport serves the protocol.
 */
class TransportSettingErrorsTest {
  /** A transport with one required setting and one optional number. */
  private static final TransportProvider STRICT = new TransportProvider() {
    @Override
    public String protocol() {
      return "strict";
    }

    @Override
    public List<Setting> settings() {
      return List.of(
          Setting.builder("region", Setting.Type.TEXT).required().help("Where the API lives.").build(),
          Setting.builder("depth", Setting.Type.INTEGER).minimum(1).defaultValue("1").help("How deep.").build());
    }

    @Override
    public MailTransport open(Mailbox mailbox, TransportContext context) {
      throw new UnsupportedOperationException("never opened by a validation");
    }
  };

  private final MailboxRegistry registry = MailboxRegistry.builder().transportProvider(STRICT)
      .transportProvider(new RecordingTransportProvider()).build();

  private static Mailbox.Builder box(String protocol) {
    return Mailbox.builder("desk").emailDisplay("desk@example.com").protocol(protocol);
  }

  @Test
  void aRequiredSettingMissingIsNamedByItsKey() {
    assertThat(registry.validate(box("strict").setting("strict.depth", "2").build()))
        .containsExactly(entry("strict.region", "is required for protocol strict"));
  }

  @Test
  void aMailboxWithEveryRequiredSettingHasNoErrors() {
    assertThat(registry.validate(box("strict").setting("strict.region", "eu").build())).isEmpty();
  }

  @Test
  void aSettingOfAnotherProtocolIsNamedWithBothProtocols() {
    assertThat(
        registry.validate(box("strict").setting("strict.region", "eu").setting("smtp.max-connections", "2").build()))
        .containsExactly(
            entry("smtp.max-connections", "is a setting of protocol smtp, but the mailbox's protocol is strict"));
  }

  @Test
  void everyWrongSettingIsNamedNotOnlyTheFirst() {
    assertThat(registry.validate(box("strict").setting("strict.depth", "0").setting("strict.colour", "red").build()))
        .containsOnlyKeys("strict.depth", "strict.colour", "strict.region");
  }

  @Test
  void withoutATransportForTheProtocolOnlySettingsOfOtherProtocolsAreNamedBeforeTheRules() {
    assertThat(registry.validate(box("nowhere").setting("smtp.max-connections", "2").build()))
        .containsExactly(
            entry("smtp.max-connections", "is a setting of protocol smtp, but the mailbox's protocol is nowhere"));
  }
}
