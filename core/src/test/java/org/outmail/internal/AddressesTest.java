package org.outmail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.outmail.InvalidEmailException;

/** The edges of {@link Addresses}' rules: each limit at its value and one past it, and each message whole. */
class AddressesTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "@example.org|'@example.org' is not an email address (expected local@domain)",
      "alice@|'alice@' is not an email address (expected local@domain)",
      "alice|'alice' is not an email address (expected local@domain)",
      "ali\u010Ace|address contains a forbidden character U+010A at index 3",
      "alice\u010D@example.org|address contains a forbidden character U+010D at index 5",
      "alice@exa mple.org|address contains a forbidden character U+0020 at index 9",
      "alice@iana.09|'alice@iana.09' is not an email address: invalid domain (numeric top-level label '09' is never"
          + " delivered to; an IP address is not accepted as a domain)"})
  void refusesWithAMessageSayingWhatIsWrongAndWhere(String address, String message) {
    assertThatThrownBy(() -> Addresses.normalise(address)).isInstanceOf(InvalidEmailException.class)
        .hasMessage(message);
  }

  @Test
  void aTrailingDotOfTheDomainIsDropped() {
    assertThat(Addresses.normalise("alice@Example.org.")).isEqualTo("alice@example.org");
  }

  @Test
  void aLabelOf63OctetsIsAcceptedAndOf64Refused() {
    String l63 = "a".repeat(63);
    assertThat(Addresses.normalise("x@" + l63 + ".org")).isEqualTo("x@" + l63 + ".org");
    assertThatThrownBy(() -> Addresses.normalise("x@" + l63 + "a.org"))
        .hasMessageEndingWith("invalid domain (label of 64 octets, at most 63)");
  }

  @Test
  void aDomainOf253OctetsPassesTheDomainLimitAndOf254IsAnInvalidDomain() {
    String d253 = ("a".repeat(49) + ".").repeat(5) + "abc"; // 250 + 3
    assertThat(d253).hasSize(253);
    // with the shortest local part, 253 octets are within the domain's limit but not the address's
    assertThatThrownBy(() -> Addresses.normalise("x@" + d253))
        .hasMessage(
            "'x@" + d253.substring(0, 38) + "...' is not an email address: 255 octets on the wire, at most 254");
    assertThatThrownBy(() -> Addresses.normalise("x@" + d253 + "d"))
        .hasMessage("'x@" + d253.substring(0, 38) + "...' is not an email address: invalid domain");
  }

  @Test
  void anAddressOf254OctetsIsAcceptedAndOf255Refused() {
    String domain = ("a".repeat(49) + ".").repeat(3) + "a".repeat(38); // 188
    String local64 = "b".repeat(64);
    String fits = local64.substring(0, 61) + "@" + domain + ".org";
    assertThat(fits).hasSize(254);
    assertThat(Addresses.normalise(fits)).isEqualTo(fits);
    String over = local64.substring(0, 62) + "@" + domain + ".org";
    assertThatThrownBy(() -> Addresses.normalise(over))
        .hasMessage("'" + over.substring(0, 40) + "...' is not an email address: 255 octets on the wire, at most 254");
  }

  @Test
  void anAddressOf40CharactersIsQuotedWholeAndALongerOneShortened() {
    String forty = "a".repeat(28) + "@example.123";
    assertThat(forty).hasSize(40);
    assertThatThrownBy(() -> Addresses.normalise(forty)).hasMessageStartingWith("'" + forty + "' is not");
    String fortyOne = "a" + forty;
    assertThatThrownBy(() -> Addresses.normalise(fortyOne))
        .hasMessageStartingWith("'" + fortyOne.substring(0, 40) + "...' is not");
  }

  @ParameterizedTest
  @ValueSource(chars = {'\u0000', '\u001F', '\u007F', '\u0080', '\u009F', '\u2028', '\u2029'})
  void headerTextRefusesControlCharacters(char c) {
    assertThatThrownBy(() -> Addresses.checkHeaderText("ab" + c, "subject"))
        .hasMessage("subject contains a forbidden character U+" + String.format("%04X", (int) c) + " at index 2");
  }

  @ParameterizedTest
  @ValueSource(chars = {' ', '\t', '~', '\u00A0', '\u00FF', '\u010A', '\u2027'})
  void headerTextAcceptsPrintableCharactersSpaceAndTab(char c) {
    Addresses.checkHeaderText("ab" + c, "subject");
  }
}
