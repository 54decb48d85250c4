package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * International domains go to the domain written (UTS #46 non-transitional), valid ones are not
 * refused by the line-break guard, lengths count the converted form, undeliverable domains are
 * refused.
 */
class InternationalAddressTest {
  private static String to(String address) {
    return Email.builder().to(address).subject("s").text("t").build().to().get(0);
  }

  @ParameterizedTest
  @CsvSource({
      "info@faß.de, info@xn--fa-hia.de",
      "info@FASS.de, info@fass.de",
      "info@βόλος.com, info@xn--nxasmm1c.com",
      "info@straße.example.org, info@xn--strae-oqa.example.org",
      "info@čeština.cz, info@xn--etina-gya30d.cz",
      "info@上海.cn, info@xn--fhqz97e.cn",
      "info@ช้าง.th, info@xn--72cf4jtd.th",
      "info@bücher.de, info@xn--bcher-kva.de",
      "info@BÜCHER.de, info@xn--bcher-kva.de",
      "info@例え.テスト, info@xn--r8jz45g.xn--zckzah"})
  void domainsAreConvertedToTheDomainWritten(String address, String wire) {
    assertThat(to(address)).isEqualTo(wire);
  }

  @Test
  void deviationCharactersAreNeverMappedToAnotherDomain() {
    assertThat(to("info@faß.de")).isNotEqualTo("info@fass.de");
    assertThat(to("info@βόλος.com")).isNotEqualTo("info@xn--nxasmq6b.com");
  }

  @Test
  void theLineBreakGuardStillAppliesToTheLocalPart() {
    assertThatThrownBy(() -> to("ali\u010Ace@example.org"))
        .hasMessageContaining("forbidden character U+010A");
    assertThatThrownBy(() -> to("alice@exam\nple.org"))
        .hasMessageContaining("forbidden character U+000A");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice@example.org\u010A", "alice@exa\u760Dmple.org", "alice@exa\u760Ample.org",
      "info@\u010Aesky.cz"})
  void domainCharactersWhoseLowByteIsALineBreakReachTheWireOnlyAsAscii(String address) {
    assertThat(to(address)).matches("[a-z]+@[a-z0-9.-]*xn--[a-z0-9-]+[a-z0-9.-]*");
  }

  @Test
  void lengthLimitsCountTheConvertedForm() {
    String label = "上海北京广州深圳成都重庆天津南京武汉西安苏州杭州".substring(0, 20);
    assertThatThrownBy(() -> to("a@" + label + ".de"))
        .hasMessageContaining("at most 63");
    String domain = ("上海北京广州深圳成都" + ".").repeat(8) + "de";
    assertThatThrownBy(() -> to("a@" + domain)).hasMessageContaining("invalid domain");
    String local = "a".repeat(64);
    String mid = ("b".repeat(40) + ".").repeat(3) + "上海北京广州深圳成都重庆.天津南京武汉西安苏州杭州.de";
    assertThat((local + "@" + mid).length()).isLessThanOrEqualTo(254);
    assertThatThrownBy(() -> to(local + "@" + mid)).hasMessageContaining("octets on the wire, at most 254");
  }

  @ParameterizedTest
  @ValueSource(strings = {"info@iana.123", "info@192.0.2.1", "info@host.invalid", "info@facebook.onion",
      "info@xn--0.com", "info@zw\u200Dj.com"})
  void domainsThatCanNeverBeDeliveredToAreRefused(String address) {
    assertThatThrownBy(() -> to(address)).hasMessageContaining("invalid domain");
  }
}
