package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.CheckResult;
import org.outmail.Email;
import org.outmail.MailException;
import org.outmail.MailboxRegistry;
import org.outmail.TransportException;

/** Check reads the application permissions of the app-only token and says what is missing. */
@Timeout(60)
class OwaPermissionCheckTest extends FakeGraphTest {
  private CheckResult check() {
    registry = MailboxRegistry.builder()
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())))
        .mailbox(OwaTestSupport.mailbox(graph, "desk").build())
        .build();
    return registry.outgoing("desk").check();
  }

  @Test
  void aTokenWithoutMailSendFailsCheckBeforeAnyGraphCall() {
    graph.roles("User.Read.All");

    CheckResult c = check();

    assertThat(c.ok()).isFalse();
    assertThat(c.stage()).contains(TransportException.Stage.PERMISSION);
    assertThat(c.message())
        .isEqualTo("mailbox 'desk': permission missing: the app's token grants [User.Read.All] but not "
            + "Mail.Send; add the Mail.Send application permission to the app registration and grant admin consent");
    assertThat(graph.graphCalls()).isEmpty();
  }

  @Test
  void mailSendWithoutMailReadWritePassesWithANoteAboutLargeMails() {
    graph.roles("Mail.Send");

    CheckResult c = check();

    assertThat(c.ok()).as(c.message()).isTrue();
    assertThat(c.message()).endsWith("; note: Mail.Send is granted but not Mail.ReadWrite: mails over 4 MB (drafts and "
        + "upload sessions) will be refused; add the Mail.ReadWrite application permission if large attachments are sent");
  }

  @Test
  void bothPermissionsPassWithoutANote() {
    graph.roles("Mail.ReadWrite", "Mail.Send");

    CheckResult c = check();

    assertThat(c.ok()).as(c.message()).isTrue();
    assertThat(c.message()).doesNotContain("note");
  }

  @Test
  void aTokenWithoutRolesPassesAndNamesRbacForApplications() {
    graph.roles();

    CheckResult c = check();

    assertThat(c.ok()).as(c.message()).isTrue();
    assertThat(c.message()).contains("; note: the token lists no application permissions")
        .contains("Exchange RBAC for Applications");
  }

  @Test
  void moreThanFiveCustomHeadersAreRefusedBeforeAnyRequest() {
    check();
    Email.Builder email = Email.builder().to("alice@example.org").subject("s").text("t");
    for (int i = 1; i <= 6; i++) {
      email.header("X-Custom-" + i, "v");
    }
    int before = graph.calls().size();

    assertThatThrownBy(() -> registry.outgoing("desk").send(email.build()))
        .isInstanceOf(MailException.class)
        .hasMessageStartingWith(
            "mailbox 'desk': 6 custom headers cannot be sent through Microsoft Graph, which accepts at most 5");
    assertThat(graph.calls()).hasSize(before);
  }
}
