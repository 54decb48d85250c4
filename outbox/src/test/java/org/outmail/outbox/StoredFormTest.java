package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** What the outbox writes into its rows and reads back: priorities and the stored mail. */
class StoredFormTest {

  @Test
  void prioritiesAreStoredAsTheirWrittenOutRanks() {
    assertThat(Priority.URGENT.rank()).isZero();
    assertThat(Priority.NORMAL.rank()).isEqualTo(1);
    assertThat(Priority.BULK.rank()).isEqualTo(2);
    for (Priority p : Priority.values()) {
      assertThat(Priority.ofRank(p.rank())).isSameAs(p);
    }
  }

  @Test
  void aStoredRankNoPriorityHasIsRefusedByName() {
    assertThatThrownBy(() -> Priority.ofRank(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no priority has the stored rank 3");
  }

  @Test
  void aStoredMailWithoutItsSubjectIsRefusedInsteadOfRebuiltWithNull() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1); // the format version
      for (int list = 0; list < 4; list++) { // to, cc, bcc, reply-to: empty
        out.writeInt(0);
      }
      out.writeInt(-1); // the subject: absent
    }
    assertThatThrownBy(() -> EmailCodec.decode(bytes.toByteArray()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("the stored mail lacks a value every stored mail has");
  }
}
