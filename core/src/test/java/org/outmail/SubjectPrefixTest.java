package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectPrefixTest {
  private final SubjectPrefix p = SubjectPrefix.of("TICKET#");

  @Test
  void applyPutsTheTagInFront() {
    assertThat(p.apply("4711", "Printer jammed")).isEqualTo("[TICKET#4711] Printer jammed");
  }

  @Test
  void applyNeverAddsTheTagTwice() {
    assertThat(p.apply("4711", "[TICKET#4711] Printer jammed")).isEqualTo("[TICKET#4711] Printer jammed");
    assertThat(p.apply("4711", "RE: [TICKET#4711] Printer jammed")).isEqualTo("RE: [TICKET#4711] Printer jammed");
    assertThat(p.apply("4711", "AW: WG: ticket#4711 Printer jammed")).isEqualTo("AW: WG: ticket#4711 Printer jammed");
    String once = p.apply("4711", "Printer jammed");
    assertThat(p.apply("4711", once)).isEqualTo(once);
  }

  @Test
  void applyTagsASubjectThatCarriesAnotherRecord() {
    assertThat(p.apply("4712", "[TICKET#4711] Printer jammed")).isEqualTo("[TICKET#4712] [TICKET#4711] Printer jammed");
  }

  @Test
  void recordIdFromTheContractExample() {
    assertThat(p.recordId("RE: AW: [TICKET#4711] Printer jammed")).contains("4711");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[TICKET#4711] Printer jammed",
      "Re: [TICKET#4711] Printer jammed",
      "RE: RE: Re: [TICKET#4711] Printer jammed",
      "Fwd: [TICKET#4711] Printer jammed",
      "FW: [TICKET#4711] Printer jammed",
      "AW: WG: [TICKET#4711] Printer jammed",
      "SV: VS: VL: [TICKET#4711] Printer jammed",
      "Antw: Doorst: [TICKET#4711] Printer jammed",
      "TR: Réf: RIF: R: I: [TICKET#4711] Printer jammed",
      "ODP: PD: RV: ENC: YNT: [TICKET#4711] Printer jammed",
      "ΑΠ: ΣΧΕΤ: [TICKET#4711] Printer jammed",
      "回复: 转发: [TICKET#4711] Printer jammed",
      "回复：[TICKET#4711] Printer jammed",
      "Re[2]: [TICKET#4711] Printer jammed",
      "Re^2: [TICKET#4711] Printer jammed",
      "Re (3): [TICKET#4711] Printer jammed",
      "re: [ticket#4711] Printer jammed",
      "RE: TICKET#4711 Printer jammed",
      "Printer jammed (TICKET#4711)",
      "RE:[ TICKET#4711 ] Printer jammed",
  })
  void recordIdIsFoundBehindReplyMarkers(String subject) {
    assertThat(p.recordId(subject)).contains("4711");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Printer jammed", "RE: [INCIDENT#4711] Printer", "MYTICKET#4711 Printer", "[TICKET#] x", ""})
  void recordIdIsEmptyWithoutTheTag(String subject) {
    assertThat(p.recordId(subject)).isEmpty();
  }

  @Test
  void bracketedTagWinsOverABareMention() {
    assertThat(p.recordId("RE: about TICKET#12 [TICKET#4711] Printer")).contains("4711");
  }

  @Test
  void prefixWithRegexCharactersIsTakenLiterally() {
    SubjectPrefix q = SubjectPrefix.of("REQ.*+");
    assertThat(q.apply("9", "x")).isEqualTo("[REQ.*+9] x");
    assertThat(q.recordId("RE: [REQ.*+9] x")).contains("9");
    assertThat(q.recordId("RE: [REQab9] x")).isEmpty();
  }

  @Test
  void stripReplyMarkersKeepsTheRest() {
    assertThat(SubjectPrefix.stripReplyMarkers("RE: AW: Fwd: Printer")).isEqualTo("Printer");
    assertThat(SubjectPrefix.stripReplyMarkers("Report: Printer")).isEqualTo("Report: Printer");
  }

  @Test
  void badPrefixOrRecordIdIsRefused() {
    assertThatThrownBy(() -> SubjectPrefix.of("TICKET #")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.apply("47 11", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.apply("4711]\r\nBcc: x", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[Ticket#: 2004040510440485] Printer|2004040510440485",
      "RE: [Ticket#:2004040510440485] Printer|2004040510440485",
      "[Ticket:4711] Printer|4711",
      "AW: [ticket# : 4711] Printer|4711",
      "Antwort: [TICKET#4711] Printer|4711",
      "Antwort: AW: Re[2]: [TICKET#4711] Printer|4711",
      "RES: [TICKET#4711] Printer|4711",
      "Vá: [TICKET#4711] Printer|4711"})
  void colonFormsOfZnunyAndZammadAndMoreReplyMarkersAreRecognised(String subject, String id) {
    SubjectPrefix ticket = SubjectPrefix.of("Ticket#");
    assertThat(ticket.recordId(subject)).contains(id);
    assertThat(ticket.apply(id, subject)).isEqualTo(subject);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Ticket#: 1234567 Printer|[Ticket#: 1234567] Printer",
      "RE: see Ticket#:1234567|RE: [Ticket#:1234567]",
      "Ticket:1234567 Printer|[Ticket:1234567] Printer",
      "AW: Ticket# : 1234567|AW: [Ticket# : 1234567]"})
  void theColonFormCountsOnlyInBrackets(String mention, String tagged) {
    SubjectPrefix ticket = SubjectPrefix.of("Ticket#");

    assertThat(ticket.recordIds(mention)).isEmpty();
    assertThat(ticket.apply("4711", mention)).isEqualTo("[Ticket#4711] " + mention);
    assertThat(ticket.recordIds(tagged)).containsExactly("1234567");
    assertThat(ticket.recordIds("Ticket#1234567 Printer")).containsExactly("1234567");
  }

  @Test
  void theColonFormIsReadButOutmailWritesItsOwn() {
    SubjectPrefix ticket = SubjectPrefix.of("Ticket#");
    assertThat(ticket.apply("4711", "[Ticket#: 9] Printer")).isEqualTo("[Ticket#4711] [Ticket#: 9] Printer");
    assertThat(ticket.recordId("[Ticket 4711] Printer")).isEmpty();
    assertThat(ticket.recordId("Ticket #4711 Printer")).isEmpty();
  }

  @Test
  void severalTagsAreOfferedInOrderAndAHostPicksTheOneItKnows() {
    String subject = "RE: [TICKET#100] forwarded from another desk [TICKET#4711] Printer, see TICKET#77";

    assertThat(p.recordIds(subject)).containsExactly("100", "4711", "77");
    assertThat(p.recordId(subject)).contains("100");
    assertThat(p.recordId(subject, id -> id.equals("4711") || id.equals("77"))).contains("4711");
    assertThat(p.recordId(subject, id -> false)).isEmpty();
    assertThat(p.apply("4711", subject)).isEqualTo(subject);
  }
}
