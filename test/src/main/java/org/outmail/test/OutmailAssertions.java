package org.outmail.test;

/**
 * Entry points of the fluent assertions on what was captured:
 *
 * <pre>{@code
 * import static org.outmail.test.OutmailAssertions.assertThat;
 *
 * assertThat(capture).hasSent(1);
 * assertThat(capture.mails().get(0))
 *     .wasSentTo("alice@example.org").hasSubject("[TICKET#4711] Printer jammed").hasRecordId("4711")
 *     .hasHeader("X-Priority", "1").hasAttachmentNamed("log.txt");
 * }</pre>
 *
 * They live beside AssertJ's own {@code assertThat}: both can be imported statically.
 */
public final class OutmailAssertions {
  private OutmailAssertions() {}

  /**
   * {@return assertions on one captured mail}
   *
   * @param actual the captured mail
   */
  public static CapturedMailAssert assertThat(CapturedMail actual) {
    return new CapturedMailAssert(actual);
  }

  /**
   * {@return assertions on everything a capture holds}
   *
   * @param actual the capture
   */
  public static MailCaptureAssert assertThat(MailCapture actual) {
    return new MailCaptureAssert(actual);
  }
}
