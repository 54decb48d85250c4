package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Secret;
import org.outmail.SecretsKey;

/** The file token store sealed with the host's secrets key, as the JDBC stores seal secrets. */
class SealedFileTokenStoreTest {
  private static final String TOKEN = "rt-8f2a9c3d-refresh-token-value";

  @TempDir Path dir;

  private final SecretsKey key = SecretsKey.of(Secret.of(SecretsKey.generate()));

  @Test
  void aTokenSavedWithAKeyIsSealedInTheFileAndOpensWithTheKey() throws Exception {
    Path file = dir.resolve("tokens.properties");
    TokenStore.file(file, key).save("m365", Secret.of(TOKEN));

    assertThat(Files.readString(file)).doesNotContain(TOKEN).contains("m365=v1\\:" + key.id());
    assertThat(TokenStore.file(file, key).load("m365")).map(Secret::value).contains(TOKEN);
  }

  @Test
  void aSealedTokenWithoutTheKeyOrWithAnotherIsAnErrorNamingTheClientAndTheFile() {
    Path file = dir.resolve("tokens.properties");
    TokenStore.file(file, key).save("m365", Secret.of(TOKEN));
    SecretsKey other = SecretsKey.of(Secret.of(SecretsKey.generate()));

    assertThatThrownBy(() -> TokenStore.file(file).load("m365"))
        .isInstanceOf(TokenStoreException.class)
        .hasMessage("the refresh token of OAuth client 'm365' in " + file.toAbsolutePath() + " is sealed with a secrets"
            + " key (id " + key.id() + "): give the store that key");
    assertThatThrownBy(() -> TokenStore.file(file, other).load("m365"))
        .isInstanceOf(TokenStoreException.class)
        .hasMessageStartingWith(
            "cannot open the refresh token of OAuth client 'm365' in " + file.toAbsolutePath() + ": ")
        .hasMessageContaining(key.id()).hasMessageNotContaining(TOKEN);
  }

  @Test
  void aTokenSavedInTheClearBeforeIsReadAndSealedOnItsNextSave() throws Exception {
    Path file = dir.resolve("tokens.properties");
    TokenStore.file(file).save("m365", Secret.of(TOKEN));
    TokenStore sealed = TokenStore.file(file, key);

    assertThat(sealed.load("m365")).map(Secret::value).contains(TOKEN);
    sealed.save("m365", Secret.of(TOKEN + "-rotated"));
    assertThat(Files.readString(file)).doesNotContain(TOKEN);
    assertThat(sealed.load("m365")).map(Secret::value).contains(TOKEN + "-rotated");
  }

  @Test
  void aSealedTokenMovedToAnotherClientDoesNotOpen() throws Exception {
    Path file = dir.resolve("tokens.properties");
    TokenStore.file(file, key).save("m365", Secret.of(TOKEN));
    Files.writeString(file, Files.readString(file).replace("m365=", "gmail="));

    assertThatThrownBy(() -> TokenStore.file(file, key).load("gmail")).isInstanceOf(TokenStoreException.class)
        .hasMessageNotContaining(TOKEN);
  }
}
