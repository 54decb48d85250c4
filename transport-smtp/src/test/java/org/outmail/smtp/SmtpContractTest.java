package org.outmail.smtp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.test.contract.ReceivedMail;
import org.outmail.test.contract.TransportContractTest;

/**
 * The transport contract, against GreenMail over plain SMTP, through the provider found by
 * ServiceLoader; failures on purpose from a {@link ScriptedSmtpServer}, tokens refused by a {@link
 * RefusingTokenEndpoint}.
 */
@Timeout(60)
class SmtpContractTest extends TransportContractTest {
  private GreenMailServer server;
  private ScriptedSmtpServer failing;
  private RefusingTokenEndpoint tokenEndpoint;

  @BeforeEach
  void startServer() {
    server = GreenMailServer.smtp();
  }

  @AfterEach
  void stopServers() throws Exception {
    server.close();
    if (failing != null) {
      failing.close();
    }
    if (tokenEndpoint != null) {
      tokenEndpoint.close();
    }
  }

  @Override
  protected Mailbox.Builder mailboxAtTestServer(String id) {
    return Mailbox.builder(id).protocol("smtp").host("127.0.0.1").port(server.port()).encryption(Encryption.NONE);
  }

  @Override
  protected List<ReceivedMail> received() {
    return server.received();
  }

  /** A scripted server answering the final dot with 451 or 554, or closing the connection instead. */
  @Override
  protected Mailbox.Builder mailboxAtServerFailing(String id, Fault fault) {
    try {
      failing = new ScriptedSmtpServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ScriptedSmtpServer.Action action = switch (fault) {
      case TRANSIENT -> ScriptedSmtpServer.Action.reply("451 4.3.0 Temporary local problem, try again later");
      case PERMANENT -> ScriptedSmtpServer.Action.reply("554 5.6.0 Message refused by content filter");
      case OUTCOME_UNKNOWN -> ScriptedSmtpServer.Action.dropConnection();
    };
    for (int i = 0; i < 5; i++) {
      failing.at(".", action);
    }
    return mailboxAtTestServer(id).port(failing.port());
  }

  /** XOAUTH2 with a client whose token endpoint refuses it. */
  @Override
  protected Mailbox.Builder mailboxWithRefusedToken(String id) {
    tokenEndpoint = new RefusingTokenEndpoint();
    return mailboxAtTestServer(id).username("desk@example.com").oauthClient(tokenEndpoint.client());
  }

  /** A user name without password or OAuth client. */
  @Override
  protected Mailbox.Builder mailboxRefusedByTheTransport(String id) {
    return mailboxAtTestServer(id).username("svc-desk");
  }
}
