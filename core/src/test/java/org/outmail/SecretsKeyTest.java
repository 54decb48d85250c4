package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretsKeyTest {
  private final SecretsKey key = SecretsKey.of(Secret.of(SecretsKey.generate()));

  @Test
  void aSealedSecretOpensWithTheSameKeyAndPlace() {
    String sealed = key.seal(Secret.of("hunter2-password"), "mailbox:a:password");

    assertThat(sealed).startsWith("v1:" + key.id() + ":").doesNotContain("hunter2");
    assertThat(key.open(sealed, "mailbox:a:password").value()).isEqualTo("hunter2-password");
    assertThat(key.seal(Secret.of("hunter2-password"), "mailbox:a:password")).isNotEqualTo(sealed);
  }

  @Test
  void aWrongKeyIsAClearError() {
    SecretsKey other = SecretsKey.of(Secret.of(SecretsKey.generate()));
    String sealed = key.seal(Secret.of("hunter2-password"), "mailbox:a:password");

    assertThatThrownBy(() -> other.open(sealed, "mailbox:a:password"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("was encrypted with the secrets key " + key.id() + ", but the key given is " + other.id()
            + "; give the key it was written with");
  }

  @Test
  void aValueMovedToAnotherPlaceDoesNotOpen() {
    String sealed = key.seal(Secret.of("hunter2-password"), "mailbox:a:password");

    assertThatThrownBy(() -> key.open(sealed, "mailbox:b:password"))
        .hasMessage("does not decrypt with the secrets key " + key.id()
            + ": it was altered, or copied from another place than mailbox:b:password");
  }

  @Test
  void aKeyThatIsNotBase64SaysWhereItCameFromNotWhatItIs() {
    assertThatThrownBy(() -> SecretsKey.of(Secret.of("not base64 !!")))
        .hasMessage("a secrets key is written in Base64 (make one with SecretsKey.generate()); "
            + "the one given from literal is not Base64");
    assertThatThrownBy(() -> SecretsKey.of(new byte[7]))
        .hasMessage("a secrets key is 16, 24 or 32 bytes (AES-128, -192, -256), was 7");
    assertThat(key.toString()).isEqualTo("SecretsKey[id=" + key.id() + "]");
  }
}
