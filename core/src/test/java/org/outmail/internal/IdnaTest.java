package org.outmail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.outmail.Email;
import org.outmail.InvalidEmailException;

/**
 * The Punycode of {@link Idna} against RFC 3492's sample strings (section 7.1, A to S) both ways,
 * and domains through {@link Idna#toAscii} against IDNA2008 (RFC 5891, RFC 5892): the derived
 * property of code points, the CONTEXTO rules, and symbols that IDNA2003 would encode refused.
 */
class IdnaTest {
  static Stream<Arguments> rfc3492Samples() {
    return Stream.of(
        Arguments.of("(A) Arabic (Egyptian)",
            "\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F",
            "egbpdaj6bu4bxfgehfvwxn"),
        Arguments.of("(B) Chinese (simplified)", "\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587",
            "ihqwcrb4cv8a8dqg056pqjye"),
        Arguments.of("(C) Chinese (traditional)", "\u4ED6\u5011\u7232\u4EC0\u9EBD\u4E0D\u8AAA\u4E2D\u6587",
            "ihqwctvzc91f659drss3x8bo0yb"),
        Arguments.of("(D) Czech",
            "\u0050\u0072\u006F\u010D\u0070\u0072\u006F\u0073\u0074\u011B\u006E\u0065\u006D\u006C\u0075\u0076\u00ED\u010D\u0065\u0073\u006B\u0079",
            "Proprostnemluvesky-uyb24dma41a"),
        Arguments.of("(E) Hebrew",
            "\u05DC\u05DE\u05D4\u05D4\u05DD\u05E4\u05E9\u05D5\u05D8\u05DC\u05D0\u05DE\u05D3\u05D1\u05E8\u05D9\u05DD\u05E2\u05D1\u05E8\u05D9\u05EA",
            "4dbcagdahymbxekheh6e0a7fei0b"),
        Arguments.of("(F) Hindi (Devanagari)",
            "\u092F\u0939\u0932\u094B\u0917\u0939\u093F\u0928\u094D\u0926\u0940\u0915\u094D\u092F\u094B\u0902\u0928\u0939\u0940\u0902\u092C\u094B\u0932\u0938\u0915\u0924\u0947\u0939\u0948\u0902",
            "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"),
        Arguments.of("(G) Japanese (kanji and hiragana)",
            "\u306A\u305C\u307F\u3093\u306A\u65E5\u672C\u8A9E\u3092\u8A71\u3057\u3066\u304F\u308C\u306A\u3044\u306E\u304B",
            "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"),
        Arguments.of("(H) Korean (Hangul syllables)",
            "\uC138\uACC4\uC758\uBAA8\uB4E0\uC0AC\uB78C\uB4E4\uC774\uD55C\uAD6D\uC5B4\uB97C\uC774\uD574\uD55C\uB2E4\uBA74\uC5BC\uB9C8\uB098\uC88B\uC744\uAE4C",
            "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c"),
        Arguments.of("(I) Russian (Cyrillic)",
            "\u043F\u043E\u0447\u0435\u043C\u0443\u0436\u0435\u043E\u043D\u0438\u043D\u0435\u0433\u043E\u0432\u043E\u0440\u044F\u0442\u043F\u043E\u0440\u0443\u0441\u0441\u043A\u0438",
            "b1abfaaepdrnnbgefbaDotcwatmq2g4l"),
        Arguments.of("(J) Spanish",
            "\u0050\u006F\u0072\u0071\u0075\u00E9\u006E\u006F\u0070\u0075\u0065\u0064\u0065\u006E\u0073\u0069\u006D\u0070\u006C\u0065\u006D\u0065\u006E\u0074\u0065\u0068\u0061\u0062\u006C\u0061\u0072\u0065\u006E\u0045\u0073\u0070\u0061\u00F1\u006F\u006C",
            "PorqunopuedensimplementehablarenEspaol-fmd56a"),
        Arguments.of("(K) Vietnamese",
            "\u0054\u1EA1\u0069\u0073\u0061\u006F\u0068\u1ECD\u006B\u0068\u00F4\u006E\u0067\u0074\u0068\u1EC3\u0063\u0068\u1EC9\u006E\u00F3\u0069\u0074\u0069\u1EBF\u006E\u0067\u0056\u0069\u1EC7\u0074",
            "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"),
        Arguments.of("(L) 3<nen>B<gumi><kinpachi><sensei>", "\u0033\u5E74\u0042\u7D44\u91D1\u516B\u5148\u751F",
            "3B-ww4c5e180e575a65lsy2b"),
        Arguments.of("(M) <amuro><namie>-with-SUPER-MONKEYS",
            "\u5B89\u5BA4\u5948\u7F8E\u6075\u002D\u0077\u0069\u0074\u0068\u002D\u0053\u0055\u0050\u0045\u0052\u002D\u004D\u004F\u004E\u004B\u0045\u0059\u0053",
            "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
        Arguments.of("(N) Hello-Another-Way-<sorezore><no><basho>",
            "\u0048\u0065\u006C\u006C\u006F\u002D\u0041\u006E\u006F\u0074\u0068\u0065\u0072\u002D\u0057\u0061\u0079\u002D\u305D\u308C\u305E\u308C\u306E\u5834\u6240",
            "Hello-Another-Way--fc4qua05auwb3674vfr0b"),
        Arguments.of("(O) <hitotsu><yane><no><shita>2", "\u3072\u3068\u3064\u5C4B\u6839\u306E\u4E0B\u0032",
            "2-u9tlzr9756bt3uc0v"),
        Arguments.of("(P) Maji<de>Koi<suru>5<byou><mae>",
            "\u004D\u0061\u006A\u0069\u3067\u004B\u006F\u0069\u3059\u308B\u0035\u79D2\u524D",
            "MajiKoi5-783gue6qz075azm5e"),
        Arguments.of("(Q) <pafii>de<runba>", "\u30D1\u30D5\u30A3\u30FC\u0064\u0065\u30EB\u30F3\u30D0",
            "de-jg4avhby1noc0d"),
        Arguments.of("(R) <sono><supiido><de>", "\u305D\u306E\u30B9\u30D4\u30FC\u30C9\u3067", "d9juau41awczczp"),
        Arguments.of("(S) -> $1.00 <-", "\u002D\u003E\u0020\u0024\u0031\u002E\u0030\u0030\u0020\u003C\u002D",
            "-> $1.00 <--"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc3492Samples")
  void encodesEachRfc3492SampleToItsPunycode(String sample, String unicode, String punycode) {
    String encoded = Idna.punycode(unicode);

    // RFC 3492's outputs carry optional case annotations in their digits (sample I's "D"); the
    // encoder writes digits in lower case and copies the basic code points as they are
    int delimiter = punycode.lastIndexOf('-');
    String expected = punycode.substring(0, delimiter + 1)
        + punycode.substring(delimiter + 1).toLowerCase(java.util.Locale.ROOT);
    assertThat(encoded).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc3492Samples")
  void decodesEachRfc3492SampleToItsCodePoints(String sample, String unicode, String punycode) {
    assertThat(Idna.decode(punycode)).isEqualTo(unicode);
    assertThat(
        Idna.decode(punycode.toUpperCase(java.util.Locale.ROOT).substring(0, Math.max(punycode.lastIndexOf('-'), 0))
            + punycode.substring(Math.max(punycode.lastIndexOf('-'), 0)).toUpperCase(java.util.Locale.ROOT)))
        .as("digits in upper case decode the same").isEqualToIgnoringCase(unicode);
  }

  @ParameterizedTest
  @CsvSource({
      "ß, zca",
      "ς, 3xa",
      "σ, 4xa",
      "münchen, mnchen-3ya",
      "ırmak, rmak-kza",
      "col·legi, collegi-xma",
      "ア・イ, ccke4x",
      "͵α, wva4j",
      "א׳, 4db4e"})
  void encodesAndDecodesShortLabelsAsAnIndependentImplementationDoes(String unicode, String punycode) {
    assertThat(Idna.punycode(unicode)).isEqualTo(punycode);
    assertThat(Idna.decode(punycode)).isEqualTo(unicode);
  }

  @Test
  void theFirstNonBasicCodePointAndConsecutiveOnesAreEncodedAndDecoded() {
    assertThat(Idna.punycode("\u0080")).isEqualTo("a");
    assertThat(Idna.decode("a")).isEqualTo("\u0080");
    assertThat(Idna.punycode("ab\u0080")).isEqualTo("ab-ca");
    assertThat(Idna.punycode("üý")).isEqualTo("tdac");
    assertThat(Idna.decode("tdac")).isEqualTo("üý");
    assertThatThrownBy(() -> Idna.decode("\u0080-a")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u200Cab.com", "a\u200Db.com"})
  void aJoinerAnywhereInALabelIsRefusedNotDropped(String domain) {
    assertThatThrownBy(() -> Idna.toAscii(domain)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds a zero-width joiner or non-joiner");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ab-c!", "99999999999999999", "zzzzzzzzzzzzzzzzzzzzzzzzz", "-", "ü-abc"})
  void punycodeThatIsNotValidIsRefusedNotMisread(String punycode) {
    assertThatThrownBy(() -> Idna.decode(punycode)).isInstanceOfAny(IllegalArgumentException.class,
        ArithmeticException.class);
    assertThat(Idna.validAceLabel("xn--" + punycode)).isFalse();
  }

  @Test
  void anAceLabelMustStandForNonAsciiCodePointsAndBeWrittenAsItEncodes() {
    assertThat(Idna.decode("a-b-")).isEqualTo("a-b");
    assertThat(Idna.validAceLabel("xn--a-b-")).isFalse();
    assertThat(Idna.validAceLabel("xn--bcher-kva")).isTrue();
    assertThat(Idna.validAceLabel("xn--bcher-kva1")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
      "faß.de, xn--fa-hia.de",
      "ß.com, xn--zca.com",
      "ς.com, xn--3xa.com",
      "Σ.com, xn--4xa.com",
      "MÜNCHEN.de, xn--mnchen-3ya.de",
      "ırmak.com.tr, xn--rmak-kza.com.tr",
      "col·legi.cat, xn--collegi-xma.cat",
      "ア・イ.jp, xn--ccke4x.jp",
      "͵α.gr, xn--wva4j.gr",
      "א׳.il, xn--4db4e.il",
      "xn--mnchen-3ya.de, xn--mnchen-3ya.de",
      "XN--ZCA.com, xn--zca.com"})
  void domainsIdna2008AllowsAreConverted(String domain, String ascii) {
    assertThat(Idna.toAscii(domain)).isEqualTo(ascii);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "email¡a.com|label 'email¡a' holds U+00A1 INVERTED EXCLAMATION MARK at index 5, which IDNA2008 disallows (RFC 5892)",
      "email€a.com|label 'email€a' holds U+20AC EURO SIGN at index 5, which IDNA2008 disallows (RFC 5892)",
      "email£a.com|label 'email£a' holds U+00A3 POUND SIGN at index 5, which IDNA2008 disallows (RFC 5892)",
      "xn--emaila-0ga.com|label 'xn--emaila-0ga' holds U+00A1 INVERTED EXCLAMATION MARK at index 5 of 'email¡a', which IDNA2008 disallows (RFC 5892)",
      "xn--n3h.com|label 'xn--n3h' holds U+2603 SNOWMAN at index 0 of '☃', which IDNA2008 disallows (RFC 5892)",
      "faß€.de|label 'faß€' holds U+20AC EURO SIGN at index 3, which IDNA2008 disallows (RFC 5892)",
      "x.ab٠۰.com|label 'ab٠۰' holds U+0660 ARABIC-INDIC DIGIT ZERO at index 2, which IDNA2008 allows only in a label without Extended Arabic-Indic digits (RFC 5892 A.8)",
      "a·b.cat|label 'a·b' holds U+00B7 MIDDLE DOT at index 1, which IDNA2008 allows only between two 'l' (RFC 5892 A.3)",
      "a・b.jp|label 'a・b' holds U+30FB KATAKANA MIDDLE DOT at index 1, which IDNA2008 allows only in a label with Hiragana, Katakana or Han (RFC 5892 A.7)",
      "͵a.gr|label '͵a' holds U+0375 GREEK LOWER NUMERAL SIGN at index 0, which IDNA2008 allows only before a Greek letter (RFC 5892 A.4)",
      "׳א.il|label '׳א' holds U+05F3 HEBREW PUNCTUATION GERESH at index 0, which IDNA2008 allows only after a Hebrew letter (RFC 5892 A.5, A.6)",
      "ـب.com|label 'ـب' holds U+0640 ARABIC TATWEEL at index 0, which IDNA2008 disallows (RFC 5892)",
      "\u0301a.com|label '\u0301a' holds U+0301 COMBINING ACUTE ACCENT at index 0, a combining mark, which cannot begin a label (RFC 5891 4.2.3.2)",
      "ab--ü.com|label 'ab--ü' has '--' in its third and fourth positions (RFC 5891 4.2.3.1)"})
  void domainsIdna2008DisallowsAreRefusedNamingTheCharacterAndItsPosition(String domain, String message) {
    String d = unescape(domain);
    assertThatThrownBy(() -> Idna.toAscii(d)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(unescape(message));
  }

  @ParameterizedTest
  @ValueSource(strings = {"email¡a.com", "email€a", "email£a", "xn--emaila-0ga.com"})
  void anAddressWithADomainIdna2008DisallowsIsAnInvalidEmail(String domain) {
    assertThatThrownBy(() -> Email.builder().to("info@" + domain))
        .isInstanceOfSatisfying(InvalidEmailException.class, e -> assertThat(e.field()).isEqualTo("to"))
        .hasMessageStartingWith("to: 'info@" + domain + "' is not an email address: invalid domain (label '")
        .hasMessageContaining(" at index 5");
  }

  private static String unescape(String s) {
    return s.replace("\\u0301", "\u0301");
  }

  @ParameterizedTest
  @CsvSource({
      // PVALID: LDH, letters, digits, marks, and RFC 5892's PVALID exceptions
      "0061, PVALID", "0030, PVALID", "002D, PVALID", "00E0, PVALID", "0131, PVALID", "0300, PVALID",
      "0915, PVALID", "094D, PVALID", "0903, PVALID", "4E0A, PVALID", "AC00, PVALID", "3005, PVALID",
      "30FC, PVALID", "1F00, PVALID", "10D0, PVALID", "13A0, PVALID", "0E0A, PVALID", "05D0, PVALID",
      "00DF, PVALID", "03C2, PVALID", "06FD, PVALID", "06FE, PVALID", "0F0B, PVALID", "3007, PVALID",
      // CONTEXTJ and CONTEXTO
      "200C, CONTEXTJ", "200D, CONTEXTJ",
      "00B7, CONTEXTO", "0375, CONTEXTO", "05F3, CONTEXTO", "05F4, CONTEXTO", "30FB, CONTEXTO",
      "0660, CONTEXTO", "0669, CONTEXTO", "06F0, CONTEXTO", "06F9, CONTEXTO",
      // DISALLOWED: symbols, punctuation, spaces, controls, format characters
      "00A1, DISALLOWED", "20AC, DISALLOWED", "00A3, DISALLOWED", "2665, DISALLOWED", "1F600, DISALLOWED",
      "061F, DISALLOWED", "0020, DISALLOWED", "00A0, DISALLOWED", "3000, DISALLOWED", "0007, DISALLOWED",
      "00AD, DISALLOWED", "200B, DISALLOWED", "2028, DISALLOWED", "E000, DISALLOWED", "E0001, DISALLOWED",
      // DISALLOWED: unstable under NFKC and case folding
      "0041, DISALLOWED", "00C0, DISALLOWED", "0130, DISALLOWED", "00B2, DISALLOWED", "2160, DISALLOWED",
      "01C5, DISALLOWED", "0345, DISALLOWED", "1C80, DISALLOWED", "1F80, DISALLOWED", "1FB3, DISALLOWED",
      "FB01, DISALLOWED", "FF21, DISALLOWED", "02B0, DISALLOWED", "1E9E, DISALLOWED", "AB70, DISALLOWED",
      // DISALLOWED: RFC 5892's exceptions, default ignorables, ignorable blocks, old Hangul jamo
      "0640, DISALLOWED", "07FA, DISALLOWED", "302E, DISALLOWED", "302F, DISALLOWED", "3031, DISALLOWED",
      "3035, DISALLOWED", "303B, DISALLOWED", "034F, DISALLOWED", "FE00, DISALLOWED", "E0100, DISALLOWED",
      "180B, DISALLOWED", "17B4, DISALLOWED", "20D0, DISALLOWED", "1D165, DISALLOWED", "1D242, DISALLOWED",
      "1100, DISALLOWED", "1160, DISALLOWED", "11A8, DISALLOWED", "A960, DISALLOWED", "D7B0, DISALLOWED",
      "FDD0, DISALLOWED", "FFFE, DISALLOWED", "1FFFF, DISALLOWED",
      // UNASSIGNED
      "0378, UNASSIGNED", "E01F0, UNASSIGNED"})
  void derivesTheIdna2008PropertyOfACodePoint(String hex, Idna2008.Property property) {
    assertThat(Idna2008.property(Integer.parseInt(hex, 16))).isEqualTo(property);
  }

  @Test
  void noSymbolPunctuationSpaceControlOrFormatCharacterIsPvalidButRfc5892sExceptions() {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      int type = Character.getType(cp);
      boolean letterDigitOrMark = type == Character.LOWERCASE_LETTER || type == Character.UPPERCASE_LETTER
          || type == Character.OTHER_LETTER || type == Character.MODIFIER_LETTER
          || type == Character.DECIMAL_DIGIT_NUMBER || type == Character.NON_SPACING_MARK
          || type == Character.COMBINING_SPACING_MARK;
      boolean ldh = cp == '-' || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z');
      boolean pvalidException = cp == 0x06FD || cp == 0x06FE || cp == 0x0F0B || cp == 0x3007;
      if (!letterDigitOrMark && !ldh && !pvalidException) {
        assertThat(Idna2008.property(cp)).as("U+%04X", cp).isNotEqualTo(Idna2008.Property.PVALID);
      }
    }
  }

  @Test
  void everyPvalidCodePointIsStableUnderNfkcAndCaseFolding() {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Idna2008.property(cp) == Idna2008.Property.PVALID && cp != 0x00DF && cp != 0x03C2) {
        String s = new String(Character.toChars(cp));
        assertThat(java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC)).as("U+%04X", cp).isEqualTo(s);
        // Cherokee folds to upper case (CaseFolding.txt), so its upper-case letters are the valid ones
        String folded = Character.UnicodeScript.of(cp) == Character.UnicodeScript.CHEROKEE
            ? s.toUpperCase(java.util.Locale.ROOT) : s.toLowerCase(java.util.Locale.ROOT);
        assertThat(folded).as("U+%04X", cp).isEqualTo(s);
      }
    }
  }
}
