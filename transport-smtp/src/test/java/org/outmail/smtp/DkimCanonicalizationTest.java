package org.outmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DKIM's relaxed canonicalization (RFC 6376 section 3.4), streamed body hash and header fields. */
class DkimCanonicalizationTest {
  private static byte[] sha256(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static byte[] hash(String body) {
    DkimBodyHash h = new DkimBodyHash();
    byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
    h.update(b, 0, b.length);
    return h.digest();
  }

  @Test
  void theRfcExampleBodyIsHashedAsItsRelaxedForm() throws Exception {
    // RFC 6376 section 3.4.5
    assertThat(hash(" C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(sha256(" C\r\nD E\r\n"));
  }

  @Test
  void theRfcExampleHeadersAreRelaxed() {
    byte[] block = "A: X\r\nB : Y\t\r\n\tZ  \r\n".getBytes(StandardCharsets.US_ASCII);
    List<DkimHeaders.Field> fields = DkimHeaders.parse(block, block.length);
    assertThat(fields).extracting(DkimHeaders.Field::name).containsExactly("A", "B ");
    assertThat(DkimHeaders.relaxed(fields.get(0).text(), true)).isEqualTo("a:X\r\n");
    assertThat(DkimHeaders.relaxed(fields.get(1).text(), true)).isEqualTo("b:Y Z\r\n");
  }

  @Test
  void anEmptyBodyAndABodyOfEmptyLinesHashAsNothing() throws Exception {
    assertThat(hash("")).isEqualTo(sha256(""));
    assertThat(hash("\r\n\r\n  \r\n")).isEqualTo(sha256(""));
  }

  @Test
  void aBodyWithoutFinalLineBreakGetsOne() throws Exception {
    assertThat(hash("last line  ")).isEqualTo(sha256("last line\r\n"));
  }

  @Test
  void emptyLinesInsideTheBodyStayAndWhiteSpaceRunsBecomeOneSpace() throws Exception {
    assertThat(hash("a\r\n\r\n\t\r\n  b\t\tc \r\n\r\n")).isEqualTo(sha256("a\r\n\r\n\r\n b c\r\n"));
  }

  @Test
  void aLoneCrOrLfIsAnOrdinaryCharacter() throws Exception {
    assertThat(hash("a\rb\nc\r\n")).isEqualTo(sha256("a\rb\nc\r\n"));
  }

  @Test
  void theHashIsTheSameWhereverTheStreamIsCut() {
    String body = ".a  \r\n\r\n b\t\r\n\r\n" + "x ".repeat(5000) + "\r\n\r\n\r\n";
    byte[] whole = hash(body);
    byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
    for (int cut = 0; cut < 40; cut++) {
      DkimBodyHash h = new DkimBodyHash();
      h.update(b, 0, cut);
      h.update(b, cut, b.length - cut);
      assertThat(h.digest()).as("cut at %d", cut).isEqualTo(whole);
    }
    DkimBodyHash byByte = new DkimBodyHash();
    for (byte x : b) {
      byByte.update(x);
    }
    assertThat(byByte.digest()).isEqualTo(whole);
  }

  @Test
  void theSinkSplitsHeaderAndBodyWhereverTheStreamIsCut() throws Exception {
    byte[] message = "From: a@example.com\r\nSubject: hi\r\n there\r\n\r\nbody  \r\n"
        .getBytes(StandardCharsets.US_ASCII);
    for (int cut = 0; cut <= message.length; cut++) {
      DkimSigner.Sink sink = new DkimSigner.Sink();
      sink.write(message, 0, cut);
      sink.write(message, cut, message.length - cut);
      assertThat(sink.headers()).extracting(DkimHeaders.Field::text)
          .containsExactly("From: a@example.com", "Subject: hi\r\n there");
      assertThat(sink.body.digest()).as("cut at %d", cut).isEqualTo(sha256("body\r\n"));
    }
  }

  @Test
  void dotStuffingIsUndoneBeforeHashing() throws Exception {
    byte[] wire = "Subject: x\r\n\r\n..one\r\n...two\r\na.b\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
    DkimSigner.Sink sink = new DkimSigner.Sink();
    DkimSigner.unstuff(wire, sink);
    assertThat(sink.body.digest()).isEqualTo(sha256(".one\r\n..two\r\na.b\r\n"));
  }
}
