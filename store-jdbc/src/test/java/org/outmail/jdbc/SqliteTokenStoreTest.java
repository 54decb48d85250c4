package org.outmail.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.Secret;

/** The JDBC token store embedded: a SQLite file, the mailbox store's or its own. */
class SqliteTokenStoreTest extends JdbcTokenStoreContract {
  @TempDir Path dir;

  @Override
  String newDatabase() {
    return Databases.sqlite(dir);
  }

  @Test
  void tokensLiveBesideTheMailboxesInTheMailboxStoresFile() {
    Path file = dir.resolve("outmail.db");
    JdbcMailboxStore mailboxes = JdbcMailboxStore.builder(file).secretsKey(KEY).build();
    JdbcTokenStore tokens = JdbcTokenStore.of(file, KEY);

    tokens.save("m365", Secret.of(TOKEN));

    assertThat(mailboxes.contents().mailboxes()).isEmpty();
    assertThat(JdbcTokenStore.of("jdbc:sqlite:" + file, KEY).load("m365")).map(Secret::value).contains(TOKEN);
    mailboxes.close();
  }
}
