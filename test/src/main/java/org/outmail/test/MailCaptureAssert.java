package org.outmail.test;

import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link MailCapture} as a whole, and the way to one of its mails; each failure
 * lists the mails captured. Get one with {@link OutmailAssertions#assertThat(MailCapture)}.
 */
public final class MailCaptureAssert extends AbstractAssert<MailCaptureAssert, MailCapture> {
  MailCaptureAssert(MailCapture actual) {
    super(actual, MailCaptureAssert.class);
  }

  /**
   * Checks that exactly this many mails were sent.
   *
   * @param count the number of mails expected
   * @return this assertion, for chaining
   */
  public MailCaptureAssert hasSent(int count) {
    isNotNull();
    List<CapturedMail> mails = actual.mails();
    if (mails.size() != count) {
      failWithMessage("%nExpecting %d mail(s) to be sent but %d %s%s", count, mails.size(),
          mails.size() == 1 ? "was" : "were", list(mails));
    }
    return this;
  }

  /**
   * Checks that no mail was sent.
   *
   * @return this assertion, for chaining
   */
  public MailCaptureAssert hasSentNothing() {
    return hasSent(0);
  }

  /**
   * Checks that at least one mail went to the address (To, Cc or Bcc), compared without regard
   * to case.
   *
   * @param address the address
   * @return this assertion, for chaining
   */
  public MailCaptureAssert hasSentTo(String address) {
    isNotNull();
    if (actual.mailsTo(address).isEmpty()) {
      failWithMessage("%nExpecting a mail to be sent to%n  %s%nbut none was%s", address, list(actual.mails()));
    }
    return this;
  }

  /**
   * Checks that no mail went to the address (To, Cc or Bcc), compared without regard to case.
   *
   * @param address the address
   * @return this assertion, for chaining
   */
  public MailCaptureAssert hasSentNothingTo(String address) {
    isNotNull();
    List<CapturedMail> to = actual.mailsTo(address);
    if (!to.isEmpty()) {
      failWithMessage("%nExpecting no mail to be sent to%n  %s%nbut %d %s%s", address, to.size(),
          to.size() == 1 ? "was" : "were", list(to));
    }
    return this;
  }

  /**
   * Goes to the only mail sent; fails unless exactly one was.
   *
   * @return assertions on that mail
   */
  public CapturedMailAssert singleMail() {
    hasSent(1);
    return new CapturedMailAssert(actual.mails().get(0));
  }

  /**
   * Goes to the last mail sent; fails if none was.
   *
   * @return assertions on that mail
   */
  public CapturedMailAssert lastMail() {
    isNotNull();
    List<CapturedMail> mails = actual.mails();
    if (mails.isEmpty()) {
      failWithMessage("%nExpecting a mail to be sent but none was");
    }
    return new CapturedMailAssert(mails.get(mails.size() - 1));
  }

  /**
   * Goes to the mail at this position; fails if there is none.
   *
   * @param index the position, 0 being the first mail sent
   * @return assertions on that mail
   */
  public CapturedMailAssert mail(int index) {
    isNotNull();
    List<CapturedMail> mails = actual.mails();
    if (index < 0 || index >= mails.size()) {
      failWithMessage("%nExpecting a mail at index %d but %d %s sent%s", index, mails.size(),
          mails.size() == 1 ? "was" : "were", list(mails));
    }
    return new CapturedMailAssert(mails.get(index));
  }

  /**
   * Goes to the only mail sent to the address; fails unless exactly one was.
   *
   * @param address the address (To, Cc or Bcc), compared without regard to case
   * @return assertions on that mail
   */
  public CapturedMailAssert mailTo(String address) {
    isNotNull();
    List<CapturedMail> to = actual.mailsTo(address);
    if (to.size() != 1) {
      failWithMessage("%nExpecting exactly one mail to be sent to%n  %s%nbut %d %s%s", address, to.size(),
          to.size() == 1 ? "was" : "were", list(actual.mails()));
    }
    return new CapturedMailAssert(to.get(0));
  }

  private static String list(List<CapturedMail> mails) {
    if (mails.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(":");
    for (int i = 0; i < mails.size(); i++) {
      sb.append(System.lineSeparator()).append("  ").append(i).append(": ").append(mails.get(i));
    }
    return sb.toString();
  }
}
