package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written record id check (every send) accepts exactly what {@code [\p{L}\p{N}_-]+} accepts. */
class SubjectPrefixIdCheckTest {
  @Test
  void validIdAcceptsWhatThePatternAccepts() {
    String alphabet = "aZ09_-#: .é日٣Ⅻ½\u0000\t[]ß😀";
    Random r = new Random(11);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(6);
      for (int k = 0; k < n; k++) {
        sb.appendCodePoint(alphabet
            .codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
      }
      String s = sb.toString();
      assertThat(SubjectPrefix.validId(s)).as("'%s'", s).isEqualTo(SubjectPrefix.ID.matcher(s).matches());
    }
  }

  @Test
  void aSubjectWithoutTheStemCarriesNoTagAndOneWithItInAnyCaseDoes() {
    SubjectPrefix p = SubjectPrefix.of("TICKET#");
    assertThat(p.recordIds("Benchmark message 5")).isEmpty();
    assertThat(p.recordIds("RE: [ticket#4711] printer")).containsExactly("4711");
    assertThat(p.recordIds("see Ticket#: 12 in [Ticket: 13]")).containsExactly("13");
  }
}
