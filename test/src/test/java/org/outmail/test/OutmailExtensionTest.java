package org.outmail.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.outmail.Email;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.TransportException;

class OutmailExtensionTest {
  @RegisterExtension final OutmailExtension outmail = new OutmailExtension();

  static MailboxRegistry.Builder hostRegistry() {
    return MailboxRegistry.builder().mailbox(Mailbox.builder("support").protocol("smtp").host("smtp.invalid")
        .emailDisplay("support@example.com").prefix("TICKET#").defaultOutgoing(true).build());
  }

  static Email notification() {
    return Email.builder().to("alice@example.org").subject("Printer jammed").text("We are on it.").recordId("4711")
        .build();
  }

  @Test
  void theCaptureComesAsAParameterAndFromTheField(MailCapture capture) {
    assertThat(capture).isSameAs(outmail.capture());
  }

  @Test
  void aRegistryMadeByTheExtensionSendsIntoTheCapture(MailCapture capture) {
    outmail.registry(hostRegistry()).defaultOutgoing().send(notification());

    OutmailAssertions.assertThat(capture).singleMail().wasSentTo("alice@example.org").hasRecordId("4711");
  }

  @Test
  void registriesMadeByTheExtensionAreClosedAfterTheTest() {
    OutmailExtension extension = new OutmailExtension();
    MailboxRegistry registry = extension.registry(hostRegistry());
    registry.defaultOutgoing().send(notification());

    extension.afterEach(null);

    assertThatThrownBy(() -> registry.defaultOutgoing().send(notification()))
        .isInstanceOf(MailException.class).hasMessageContaining("closed");
  }

  @Test
  void beforeEachTestTheCaptureIsCleared() {
    MailCapture shared = new MailCapture();
    OutmailExtension extension = new OutmailExtension(shared);
    MailboxRegistry registry = shared.install(hostRegistry()).build();
    registry.defaultOutgoing().send(notification());
    shared.failAlways(TransportException.Kind.PERMANENT);

    extension.beforeEach(null);

    assertThat(shared.mails()).isEmpty();
    registry.defaultOutgoing().send(notification());
    assertThat(shared.mails()).hasSize(1);
    registry.close();
  }

  /** One registry for the whole class, as an application context cached across tests would be. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class ARegistryThatOutlivesATest {
    private MailboxRegistry registry;

    @BeforeEach
    void buildOnce(MailCapture capture) {
      if (registry == null) {
        registry = capture.install(hostRegistry()).build();
      }
    }

    @Test
    @Order(1)
    void firstTestSendsAndAsksForAFailure(MailCapture capture) {
      registry.defaultOutgoing().send(notification());
      capture.failAlways(TransportException.Kind.PERMANENT);
      assertThat(capture.mails()).hasSize(1);
    }

    @Test
    @Order(2)
    void secondTestStartsWithAnEmptyCaptureThatFailsNothing(MailCapture capture) {
      assertThat(capture.mails()).isEmpty();
      registry.defaultOutgoing().send(notification());
      assertThat(capture.mails()).hasSize(1);
    }
  }
}
