package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailTest {
  static Stream<Arguments> nullArguments() {
    return Stream.of(
        Arguments.of("to(String...)", "to", "to: addresses are missing (null)",
            (Consumer<Email.Builder>) b -> b.to((String[]) null)),
        Arguments.of("to(String)", "to", "to: address is missing",
            (Consumer<Email.Builder>) b -> b.to((String) null)),
        Arguments.of("to(Iterable)", "to", "to: addresses are missing (null)",
            (Consumer<Email.Builder>) b -> b.to((Iterable<String>) null)),
        Arguments.of("to(Iterable) with a null", "to", "to: address is missing",
            (Consumer<Email.Builder>) b -> b.to(java.util.Arrays.asList("a@example.org", null))),
        Arguments.of("cc(String...)", "cc", "cc: addresses are missing (null)",
            (Consumer<Email.Builder>) b -> b.cc((String[]) null)),
        Arguments.of("cc(Iterable)", "cc", "cc: addresses are missing (null)",
            (Consumer<Email.Builder>) b -> b.cc((Iterable<String>) null)),
        Arguments.of("bcc(String...)", "bcc", "bcc: addresses are missing (null)",
            (Consumer<Email.Builder>) b -> b.bcc((String[]) null)),
        Arguments.of("bcc(Iterable)", "bcc", "bcc: addresses are missing (null)",
            (Consumer<Email.Builder>) b -> b.bcc((Iterable<String>) null)),
        Arguments.of("replyTo(String...)", "reply-to", "reply-to: addresses are missing (null)",
            (Consumer<Email.Builder>) b -> b.replyTo((String[]) null)),
        Arguments.of("subject", "subject", "subject is missing (null)",
            (Consumer<Email.Builder>) b -> b.subject(null)),
        Arguments.of("text", "text", "text is missing (null)",
            (Consumer<Email.Builder>) b -> b.text(null)),
        Arguments.of("html", "html", "html is missing (null)",
            (Consumer<Email.Builder>) b -> b.html(null)),
        Arguments.of("attach(bytes) filename", "attachment", "attachment filename is missing (null)",
            (Consumer<Email.Builder>) b -> b.attach(null, "text/plain", new byte[1])),
        Arguments.of("attach(bytes) contentType", "attachment", "attachment contentType is missing (null)",
            (Consumer<Email.Builder>) b -> b.attach("a.txt", null, new byte[1])),
        Arguments.of("attach(bytes) content", "attachment", "attachment content is missing (null)",
            (Consumer<Email.Builder>) b -> b.attach("a.txt", "text/plain", (byte[]) null)),
        Arguments.of("attach(Path) filename", "attachment", "attachment filename is missing (null)",
            (Consumer<Email.Builder>) b -> b.attach(null, "text/plain", Path.of("a.txt"))),
        Arguments.of("attach(Path) contentType", "attachment", "attachment contentType is missing (null)",
            (Consumer<Email.Builder>) b -> b.attach("a.txt", null, Path.of("a.txt"))),
        Arguments.of("attach(Path) file", "attachment", "attachment file is missing (null)",
            (Consumer<Email.Builder>) b -> b.attach("a.txt", "text/plain", (Path) null)),
        Arguments.of("attach(Attachment)", "attachment", "attachment is missing (null)",
            (Consumer<Email.Builder>) b -> b.attach((Attachment) null)),
        Arguments.of("header name", "header", "header name is missing (null)",
            (Consumer<Email.Builder>) b -> b.header(null, "v")),
        Arguments.of("header value", "header X-Priority", "header X-Priority value is missing (null)",
            (Consumer<Email.Builder>) b -> b.header("X-Priority", null)),
        Arguments.of("recordId", "recordId", "recordId is missing (null)",
            (Consumer<Email.Builder>) b -> b.recordId(null)),
        Arguments.of("messageId", "messageId", "messageId is missing (null)",
            (Consumer<Email.Builder>) b -> b.messageId(null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullArguments")
  void everyBuilderMethodRefusesNullWithAnInvalidEmailExceptionNamingTheField(
      String method, String field, String message, Consumer<Email.Builder> call) {
    Email.Builder builder = Email.builder();

    assertThatThrownBy(() -> call.accept(builder))
        .isInstanceOfSatisfying(InvalidEmailException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessage(message);
  }

  @Test
  void everyPublicBuilderMethodWithAnObjectParameterIsCoveredByTheNullTest() {
    long covered = nullArguments().map(a -> ((String) a.get()[0]).replaceAll("[( ].*", "")).distinct().count();
    List<String> methods = Stream.of(Email.Builder.class.getDeclaredMethods())
        .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.getParameterCount() > 0)
        .map(java.lang.reflect.Method::getName).distinct().toList();
    assertThat(covered).isEqualTo(methods.size());
  }

  private static Email.Builder minimal() {
    return Email.builder().to("alice@example.org").subject("s").text("t");
  }

  @Test
  void needsAtLeastOneRecipient() {
    assertThatThrownBy(() -> Email.builder().subject("s").text("t").build())
        .isInstanceOf(InvalidEmailException.class)
        .hasMessage("an email needs at least one recipient (to, cc or bcc)");
  }

  @Test
  void aBccAloneIsARecipient() {
    assertThat(Email.builder().bcc("b@example.org").subject("s").text("t").build().bcc())
        .containsExactly("b@example.org");
  }

  @Test
  void addressesAreNormalised() {
    Email e = Email.builder().to("  Alice@EXAMPLE.org ").cc("bob@bücher.example").subject("s").text("t").build();
    assertThat(e.to()).containsExactly("Alice@example.org");
    assertThat(e.cc()).containsExactly("bob@xn--bcher-kva.example");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "alice@example.org\r\nRCPT TO:<evil@example.org>",
      "alice@example.org\n",
      "alice\u0000@example.org",
      "alice@exa\u0085mple.org",
      "alice@example.org\u2028",
      "alice@example.org\u2029",
      "alice\u010D@example.org",
      "alice",
      "@example.org",
      "alice@",
      "alice@localhost",
      "al ice@example.org",
      "alice@exa_mple.org",
      "<alice@example.org>",
  })
  void strictAddressValidationRefuses(String address) {
    assertThatThrownBy(() -> Email.builder().to(address))
        .isInstanceOf(InvalidEmailException.class)
        .hasMessageStartingWith("to: ");
  }

  @Test
  void lineBreakInAddressIsNamed() {
    assertThatThrownBy(() -> Email.builder().cc("a@example.org\r\nX: y"))
        .hasMessage("cc: address contains a forbidden character U+000D at index 13");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Subject\r\nBcc: evil@example.org", "a\nb", "a\u0085b", "a\u2028b", "a\u0000b"})
  void subjectWithLineBreakIsRefused(String subject) {
    assertThatThrownBy(() -> Email.builder().subject(subject))
        .isInstanceOf(InvalidEmailException.class)
        .hasMessageStartingWith("subject contains a forbidden character");
  }

  @Test
  void nonAsciiSubjectIsAllowed() {
    assertThat(minimal().subject("Papierstau – čeština 日本 \u760D").build().subject()).contains("č");
  }

  @ParameterizedTest
  @ValueSource(strings = {"From", "to", "CC", "Bcc", "Reply-To", "Subject", "Message-ID", "Date", "MIME-Version",
      "Content-Type", "content-transfer-encoding", "Sender", "Return-Path"})
  void structuralHeadersCannotBeSet(String name) {
    assertThatThrownBy(() -> minimal().header(name, "x"))
        .isInstanceOf(InvalidEmailException.class)
        .hasMessage("header " + name + " is set by outmail and cannot be set through header()");
  }

  @ParameterizedTest
  @ValueSource(strings = {"X Priority", "X:Priority", "", "X-\u00e9", "X-Pri\r\nority"})
  void invalidHeaderNamesAreRefused(String name) {
    assertThatThrownBy(() -> minimal().header(name, "1"))
        .isInstanceOf(InvalidEmailException.class)
        .hasMessageContaining("is not a valid field name");
  }

  @Test
  void headerValueWithLineBreakIsRefused() {
    assertThatThrownBy(() -> minimal().header("X-Priority", "1\r\nBcc: evil@example.org"))
        .hasMessage("header X-Priority contains a forbidden character U+000D at index 1");
  }

  @Test
  void customHeadersKeepTheirOrder() {
    Email e = minimal().header("X-Priority", "1").header("X-Ticket", "4711").build();
    assertThat(e.headers()).containsExactly(
        org.assertj.core.api.Assertions.entry("X-Priority", "1"),
        org.assertj.core.api.Assertions.entry("X-Ticket", "4711"));
  }

  @Test
  void pathAttachmentIsReadWhenSentNotWhenBuilt(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("log.txt");
    Files.writeString(f, "before");
    Email e = minimal().attach("log.txt", "text/plain", f).build();
    Files.writeString(f, "after");
    try (InputStream in = e.attachments().get(0).open()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("after");
    }
    assertThat(e.attachments().get(0).size()).hasValue(5);
  }

  @Test
  void byteAttachmentIsCopied() throws Exception {
    byte[] content = {1, 2, 3};
    Email e = minimal().attach("a.bin", "application/octet-stream", content).build();
    content[0] = 9;
    assertThat(e.attachments().get(0).readAllBytes()).containsExactly(1, 2, 3);
  }

  @Test
  void missingAttachmentFileIsRefusedAtOnce(@TempDir Path dir) {
    assertThatThrownBy(() -> minimal().attach("x.txt", "text/plain", dir.resolve("missing.txt")))
        .hasMessageContaining("is not a readable file");
  }

  @Test
  void attachmentContentTypeAndNameAreChecked() {
    assertThatThrownBy(() -> minimal().attach("a.txt", "text/plain\r\nX: y", new byte[0]))
        .hasMessageContaining("is not of the form type/subtype");
    assertThatThrownBy(() -> minimal().attach("a\r\n.txt", "text/plain", new byte[0]))
        .hasMessageContaining("attachment filename contains a forbidden character");
    assertThat(minimal().attach("a.txt", "text/plain; charset=UTF-8", new byte[0]).build().attachments()).hasSize(1);
  }

  @Test
  void needsASubjectAndABody() {
    assertThatThrownBy(() -> Email.builder().to("a@example.org").text("t").build()).hasMessage("subject is required");
    assertThatThrownBy(() -> Email.builder().to("a@example.org").subject("s").build())
        .hasMessage("an email needs a text or html body, or an attachment");
  }

  @Test
  void recordIdIsChecked() {
    assertThatThrownBy(() -> minimal().recordId("47 11")).hasMessageContaining("recordId '47 11'");
    assertThatThrownBy(() -> minimal().recordId("4711]\r\n")).isInstanceOf(InvalidEmailException.class);
  }

  @Test
  void eachEmailGetsItsOwnUniqueId() {
    assertThat(minimal().build().uniqueId()).isNotEqualTo(minimal().build().uniqueId());
  }

  @Test
  void everyRefusalIsAMailExceptionNamingTheField(@TempDir Path dir) {
    assertThatThrownBy(() -> Email.builder().bcc("ok@example.org", "alice"))
        .isInstanceOfSatisfying(InvalidEmailException.class, e -> assertThat(e.field()).isEqualTo("bcc"))
        .isInstanceOf(MailException.class)
        .hasMessage("bcc: 'alice' is not an email address (expected local@domain)");
    assertThatThrownBy(() -> minimal().subject("a\nb"))
        .isInstanceOfSatisfying(InvalidEmailException.class, e -> assertThat(e.field()).isEqualTo("subject"));
    assertThatThrownBy(() -> minimal().header("Subject", "x"))
        .isInstanceOfSatisfying(InvalidEmailException.class, e -> assertThat(e.field()).isEqualTo("header Subject"));
    assertThatThrownBy(() -> Attachment.of(" ", "text/plain", new byte[0]))
        .isInstanceOf(InvalidEmailException.class)
        .hasMessage("attachment filename must not be blank");
    assertThatThrownBy(() -> Attachment.of("a.txt", "text/plain", dir.resolve("missing.txt")))
        .isInstanceOf(InvalidEmailException.class);
    assertThatThrownBy(() -> Email.builder().subject("s").text("t").build())
        .isInstanceOfSatisfying(InvalidEmailException.class, e -> assertThat(e.field()).isNull());
  }

  @Test
  void aListWithOneBadAddressAddsNoneOfThem() {
    Email.Builder b = minimal();
    assertThatThrownBy(() -> b.cc("bob@example.org", "not an address")).isInstanceOf(InvalidEmailException.class);
    assertThat(b.build().cc()).isEmpty();
  }

  @Test
  void settingAValueAgainReplacesItAndAddingRecipientsAdds() {
    Email e = Email.builder().to("a@example.org").to("b@example.org").subject("first").subject("second")
        .text("one").text("two").recordId("1").recordId("2")
        .header("X-Priority", "1").header("x-priority", "5").build();
    assertThat(e.to()).containsExactly("a@example.org", "b@example.org");
    assertThat(e.subject()).isEqualTo("second");
    assertThat(e.text()).contains("two");
    assertThat(e.recordId()).contains("2");
    assertThat(e.headers()).containsExactly(org.assertj.core.api.Assertions.entry("x-priority", "5"));
  }

  @Test
  void aFileThatVanishedBeforeTheSendIsAnInvalidEmail(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("log.txt");
    Files.writeString(f, "log");
    Attachment a = Attachment.of("log.txt", "text/plain", f);
    Files.delete(f);
    assertThatThrownBy(a::readAllBytes)
        .isInstanceOfSatisfying(InvalidEmailException.class, e -> assertThat(e.field()).isEqualTo("attachment"))
        .hasMessageStartingWith("attachment file " + f + " cannot be read: NoSuchFileException");
  }
}
