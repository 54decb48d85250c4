package org.outmail.smtp;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.contract.ReceivedMail;
import org.outmail.contract.TransportContractTest;

/** The transport contract, against GreenMail over plain SMTP, through the provider found by ServiceLoader. */
@Timeout(60)
class SmtpContractTest extends TransportContractTest {
  private GreenMailServer server;

  @BeforeEach
  void startServer() {
    server = GreenMailServer.smtp();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Override
  protected Mailbox.Builder mailboxAtTestServer(String id) {
    return Mailbox.builder(id).protocol("smtp").host("127.0.0.1").port(server.port()).encryption(Encryption.NONE);
  }

  @Override
  protected List<ReceivedMail> received() {
    return server.received();
  }
}
