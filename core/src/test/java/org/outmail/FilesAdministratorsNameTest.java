package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthGrant;
import org.outmail.oauth.OAuthProvider;
import org.outmail.oauth.TokenStore;
import org.outmail.oauth.TokenStoreException;
import org.outmail.spi.Tls;

/**
 * Every file whose path an administrator types (trust store, service account key, secret file, token
 * store) is read only if it is a regular file of a bounded size: {@code /dev/zero} once exhausted the
 * heap, a named pipe blocked the thread for ever. The refusal names the setting and says why.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FilesAdministratorsNameTest {
  @TempDir Path dir;
  private Path fifo;
  private Path oversize;

  @BeforeEach
  void files() throws Exception {
    fifo = dir.resolve("pipe");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    oversize = dir.resolve("big");
    try (RandomAccessFile f = new RandomAccessFile(oversize.toFile(), "rw")) {
      f.setLength(BoundedFiles.DEFAULT_MAX_BYTES + 1L); // sparse: no disk used
    }
  }

  private Path path(String which) {
    return switch (which) {
      case "zero" -> Path.of("/dev/zero");
      case "dir" -> dir;
      case "fifo" -> fifo;
      case "big" -> oversize;
      default -> throw new IllegalArgumentException(which);
    };
  }

  private static String problem(String which) {
    return switch (which) {
      case "zero", "fifo" -> "is not a regular file (a device, pipe or socket)";
      case "dir" -> "is not a regular file (a directory)";
      case "big" -> "is larger than 4 MiB (4194305 bytes)";
      default -> throw new IllegalArgumentException(which);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"zero", "dir", "fifo", "big"})
  void aTrustStoreThatIsNoRegularFileOrTooLargeIsRefusedNamingTheSetting(String which) {
    Mailbox m = Mailbox.builder("support").host("smtp.example.com").emailDisplay("support@example.com")
        .trustStore(path(which)).build();

    assertThatThrownBy(() -> Tls.trustManager(m))
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("trust-store"))
        .hasMessage("mailbox 'support': trust-store " + path(which) + " " + problem(which));
  }

  @ParameterizedTest
  @ValueSource(strings = {"zero", "dir", "fifo", "big"})
  void aServiceAccountKeyThatIsNoRegularFileOrTooLargeIsRefusedNamingTheSetting(String which) {
    String problem = which.equals("big") ? "is larger than 64 KiB (4194305 bytes)" : problem(which);

    assertThatThrownBy(() -> OAuthClient.textForm()
        .set(OAuthClient.builder("gsa").provider(OAuthProvider.GOOGLE).grant(OAuthGrant.JWT_BEARER),
            "service-account-key", path(which).toString(), name -> null)
        .build())
        .isInstanceOf(MailboxConfigException.class)
        .hasMessage("oauth client 'gsa': service-account-key " + path(which) + " " + problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"zero", "dir", "fifo", "big"})
  void aSecretFileThatIsNoRegularFileOrTooLargeIsRefusedNamingTheSetting(String which) {
    String problem = which.equals("big") ? "is larger than 64 KiB (4194305 bytes)" : problem(which);

    assertThatThrownBy(() -> Secret.file(path(which)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret file " + path(which) + " " + problem);
    assertThatThrownBy(() -> Mailbox.textForm()
        .set(Mailbox.builder("support").host("smtp.example.com").emailDisplay("support@example.com"), "password",
            "${file:" + path(which) + "}")
        .build())
        .isInstanceOfSatisfying(MailboxConfigException.class, e -> assertThat(e.field()).isEqualTo("password"))
        .hasMessageContaining(path(which) + " " + problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"zero", "dir", "fifo", "big"})
  void aTokenStoreThatIsNoRegularFileOrTooLargeIsRefused(String which) {
    TokenStore store = TokenStore.file(path(which));

    assertThatThrownBy(() -> store.load("gmail"))
        .isInstanceOf(TokenStoreException.class)
        .hasMessage("token store " + path(which) + " " + problem(which));
  }

  @Test
  void aRegularFileWithinTheCapIsReadWhole() throws IOException {
    Path f = Files.writeString(dir.resolve("secret"), "s3cret\n");

    assertThat(BoundedFiles.readUtf8(f, 7)).isEqualTo("s3cret\n");
    assertThat(Secret.file(f).value()).isEqualTo("s3cret");
    assertThatThrownBy(() -> BoundedFiles.read(f, 6)).hasMessage("is larger than 6 bytes (7 bytes)");
  }
}
