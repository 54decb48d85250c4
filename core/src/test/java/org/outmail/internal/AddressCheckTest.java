package org.outmail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written checks of {@link Addresses} (no regular expression per recipient) accept exactly
 * what the RFC 5322 dot-atom and the LDH label expressions accept.
 */
class AddressCheckTest {
  private static final Pattern LOCAL = Pattern
      .compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  @Test
  void dotAtomAcceptsWhatTheRfc5322ExpressionAccepts() {
    for (String s : samples("aZ09.!#$%&'*+/=?^_`{|}~- \"@()<>,;:\\[]é\u0000")) {
      assertThat(Addresses.dotAtom(s)).as("'%s'", s).isEqualTo(LOCAL.matcher(s).matches());
    }
  }

  @Test
  void labelAcceptsWhatTheLdhExpressionAccepts() {
    for (String s : samples("az09-A_.é")) {
      assertThat(Addresses.label(s)).as("'%s'", s).isEqualTo(LABEL.matcher(s).matches());
    }
    assertThat(Addresses.label("a".repeat(63))).isTrue();
    assertThat(Addresses.label("a".repeat(64))).isFalse();
  }

  /** Every string of up to 3 characters from {@code alphabet}, and random longer ones. */
  private static List<String> samples(String alphabet) {
    List<String> out = new ArrayList<>();
    out.add("");
    for (char a : alphabet.toCharArray()) {
      out.add("" + a);
      for (char b : alphabet.toCharArray()) {
        out.add("" + a + b);
        for (char c : alphabet.toCharArray()) {
          out.add("" + a + b + c);
        }
      }
    }
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(70);
      for (int k = 0; k < n; k++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      out.add(sb.toString());
    }
    return out;
  }
}
