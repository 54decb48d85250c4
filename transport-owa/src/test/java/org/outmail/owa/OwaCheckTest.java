package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.CheckResult;
import org.outmail.MailboxRegistry;
import org.outmail.TransportException;

/** The Check button of an owa mailbox: token first, then the mailbox's user; each failure names its stage. */
@Timeout(60)
class OwaCheckTest extends FakeGraphTest {
  private static final String USER = "/v1.0/users/" + FakeGraph.USER;

  private CheckResult check(String secret, int tokenPort) {
    registry = MailboxRegistry.builder()
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(tokenPort)))
        .mailbox(OwaTestSupport.mailbox(graph, "desk").oauthClient(OwaTestSupport.client(secret)).build())
        .build();
    return registry.outgoing("desk").check();
  }

  private CheckResult check() {
    return check(FakeGraph.SECRET, graph.port());
  }

  @Test
  void passesWithATokenAndAnExistingMailbox() {
    CheckResult c = check();

    assertThat(c.ok()).as(c.message()).isTrue();
    assertThat(c.message())
        .isEqualTo("mailbox 'desk': token acquired; mailbox desk@example.com found at http://127.0.0.1:"
            + graph.port() + "/v1.0 (user id u-42)");
    FakeGraph.Call get = graph.calls("GET", USER).get(0);
    assertThat(get.header("Authorization")).isEqualTo("Bearer token-1");
    assertThat(get.query()).contains("select=id,mail,userPrincipalName");
    assertThat(graph.calls("POST", "/sendMail")).isEmpty();
  }

  @Test
  void unreachableTokenEndpointFailsTheTokenStage() throws IOException {
    CheckResult c = check(FakeGraph.SECRET, OwaFailureTest.closedPort());

    assertThat(c.ok()).isFalse();
    assertThat(c.stage()).contains(TransportException.Stage.TOKEN);
    assertThat(c.message()).startsWith("mailbox 'desk': token endpoint unreachable: OAuth client 'm365': token endpoint"
        + " https://login.test.example/contoso-test/oauth2/v2.0/token unreachable: ConnectException");
    assertThat(graph.graphCalls()).isEmpty();
  }

  @Test
  void wrongSecretFailsTheTokenStageAsBadCredentials() {
    CheckResult c = check("not-the-secret", graph.port());

    assertThat(c.stage()).contains(TransportException.Stage.TOKEN);
    assertThat(c.message()).startsWith("mailbox 'desk': bad credentials (client id or secret wrong or expired): ")
        .contains("AADSTS7000215").doesNotContain("not-the-secret");
  }

  @Test
  void missingConsentFailsTheTokenStage() {
    graph.tokenAnswer(FakeGraph.tokenError(400, "invalid_grant", "AADSTS65001: The user or administrator has not"
        + " consented to use the application with ID '" + FakeGraph.CLIENT_ID + "'."));

    CheckResult c = check();

    assertThat(c.stage()).contains(TransportException.Stage.TOKEN);
    assertThat(c.message()).startsWith("mailbox 'desk': consent missing (an administrator must grant the app's"
        + " permissions in the tenant): ").contains("AADSTS65001");
  }

  @Test
  void unknownTenantFailsTheTokenStage() {
    graph.tokenAnswer(FakeGraph.tokenError(400, "invalid_request", "AADSTS90002: Tenant 'contoso-test' not found."));

    CheckResult c = check();

    assertThat(c.stage()).contains(TransportException.Stage.TOKEN);
    assertThat(c.message()).startsWith("mailbox 'desk': unknown tenant: ");
  }

  @Test
  void unknownMailboxFailsTheMailboxStage() {
    graph.script("GET", USER, FakeGraph.odataError(404, "Request_ResourceNotFound",
        "Resource 'desk@example.com' does not exist or one of its queried reference-property objects are not present."));

    CheckResult c = check();

    assertThat(c.stage()).contains(TransportException.Stage.SENDER);
    assertThat(c.message()).startsWith("mailbox 'desk': mailbox not found: Graph at http://127.0.0.1:" + graph.port()
        + "/v1.0: no user desk@example.com (HTTP 404 Request_ResourceNotFound: Resource 'desk@example.com' does not exist");
  }

  @Test
  void missingPermissionFailsTheMailboxStage() {
    graph.script("GET", USER,
        FakeGraph.odataError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

    CheckResult c = check();

    assertThat(c.stage()).contains(TransportException.Stage.SENDER);
    assertThat(c.message()).startsWith("mailbox 'desk': permission missing: ")
        .endsWith("(HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation.)");
  }

  @Test
  void unreachableGraphFailsTheMailboxStage() throws IOException {
    int closed = OwaFailureTest.closedPort();
    registry = MailboxRegistry.builder()
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())))
        .mailbox(OwaTestSupport.mailbox(graph, "desk").port(closed).build())
        .build();

    CheckResult c = registry.outgoing("desk").check();

    assertThat(c.stage()).contains(TransportException.Stage.SENDER);
    assertThat(c.message()).startsWith("mailbox 'desk': Graph unreachable at http://127.0.0.1:" + closed + "/v1.0: ");
  }
}
