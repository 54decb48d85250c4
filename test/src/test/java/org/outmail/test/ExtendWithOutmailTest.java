package org.outmail.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.outmail.test.OutmailExtensionTest.hostRegistry;
import static org.outmail.test.OutmailExtensionTest.notification;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.outmail.MailboxRegistry;

/** The extension registered declaratively: the capture comes as a parameter. */
@ExtendWith(OutmailExtension.class)
class ExtendWithOutmailTest {
  @Test
  void theCaptureComesAsAParameter(MailCapture capture) {
    try (MailboxRegistry registry = capture.install(hostRegistry()).build()) {
      registry.defaultOutgoing().send(notification());
    }
    assertThat(capture.count()).isEqualTo(1);
  }
}
