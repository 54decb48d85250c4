package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A {@link SubjectPrefix} as a value: what it gives back and shows, and a one-letter prefix written in capitals. */
class SubjectPrefixValueTest {
  @Test
  void givesBackThePrefixAsWritten() {
    assertThat(SubjectPrefix.of("Ticket#").prefix()).isEqualTo("Ticket#");
  }

  @Test
  void showsThePrefixInItsString() {
    assertThat(SubjectPrefix.of("TICKET#")).hasToString("SubjectPrefix[TICKET#]");
  }

  @Test
  void aOneLetterPrefixInCapitalsIsFoundInASubjectOfCapitals() {
    SubjectPrefix t = SubjectPrefix.of("t");

    assertThat(t.recordIds("TT")).containsExactly("T");
    assertThat(t.recordIds("tt")).containsExactly("t");
  }
}
