package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Email;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.outmail.TransportException;

/** What Graph receives for a send: headers, the JSON body, the user, and how often tokens are fetched. */
@Timeout(60)
class OwaSendTest extends FakeGraphTest {

  private MailboxRegistry registry(Mailbox mailbox) {
    registry = MailboxRegistry.builder()
        .accessTokenProvider(new MsalTokenProvider(new LoopbackMsalHttpClient(graph.port())))
        .mailbox(mailbox)
        .build();
    return registry;
  }

  private MailboxRegistry registry() {
    return registry(OwaTestSupport.mailbox(graph, "desk").defaultOutgoing(true).build());
  }

  @Test
  void sendMailCarriesTheBearerTokenToTheConfiguredHost() {
    registry().defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Hi").text("body").build());

    FakeGraph.Call send = graph.calls("POST", "/sendMail").get(0);
    assertThat(send.path()).isEqualTo("/v1.0/users/desk@example.com/sendMail");
    assertThat(send.header("Authorization")).isEqualTo("Bearer token-1");
    assertThat(send.header("Content-Type")).startsWith("application/json");
  }

  @Test
  void jsonBodyHasCapitalisedMessageAndSaveToSentItemsAsTheSdkSendsThem() {
    SendResult result = registry().defaultOutgoing().send(Email.builder()
        .to("alice@example.org").cc("carol@example.org").bcc("bob@example.org").replyTo("helpdesk@example.com")
        .subject("Printer jammed").html("<p>Floor 2</p>")
        .header("X-Ticket", "4711")
        .attach("log.txt", "text/plain", "line 1\n".getBytes(StandardCharsets.UTF_8))
        .build());

    JsonObject body = graph.calls("POST", "/sendMail").get(0).json();
    assertThat(body.keySet()).containsExactlyInAnyOrder("Message", "SaveToSentItems");
    assertThat(body.get("SaveToSentItems").getAsBoolean()).isTrue();
    JsonObject msg = body.getAsJsonObject("Message");
    assertThat(msg.getAsJsonObject("from").getAsJsonObject("emailAddress").get("address").getAsString())
        .isEqualTo("desk@example.com");
    assertThat(msg.getAsJsonObject("from").getAsJsonObject("emailAddress").get("name").getAsString())
        .isEqualTo("Your Service Desk");
    assertThat(msg.get("subject").getAsString()).isEqualTo("Printer jammed");
    assertThat(msg.getAsJsonObject("body").get("contentType").getAsString()).isEqualToIgnoringCase("html");
    assertThat(msg.getAsJsonObject("body").get("content").getAsString()).isEqualTo("<p>Floor 2</p>");
    assertThat(msg.get("internetMessageId").getAsString()).isEqualTo(result.messageId());
    assertThat(msg.getAsJsonArray("bccRecipients").get(0).getAsJsonObject().getAsJsonObject("emailAddress")
        .get("address").getAsString()).isEqualTo("bob@example.org");
    assertThat(msg.getAsJsonArray("replyTo")).hasSize(1);
    JsonObject header = msg.getAsJsonArray("internetMessageHeaders").get(0).getAsJsonObject();
    assertThat(header.get("name").getAsString()).isEqualTo("X-Ticket");
    assertThat(header.get("value").getAsString()).isEqualTo("4711");
    JsonObject attachment = msg.getAsJsonArray("attachments").get(0).getAsJsonObject();
    assertThat(attachment.get("@odata.type").getAsString()).isEqualTo("#microsoft.graph.fileAttachment");
    assertThat(attachment.get("name").getAsString()).isEqualTo("log.txt");
    assertThat(attachment.get("contentType").getAsString()).isEqualTo("text/plain");
    assertThat(Base64.getDecoder().decode(attachment.get("contentBytes").getAsString()))
        .isEqualTo("line 1\n".getBytes(StandardCharsets.UTF_8));
    assertThat(result.acceptedRecipients()).containsExactly("alice@example.org", "carol@example.org",
        "bob@example.org");
  }

  @Test
  void saveToSentItemsFollowsTheMailbox() {
    registry(
        OwaTestSupport.mailbox(graph, "quiet").options(OwaOptions.builder().saveToSentItems(false).build()).build())
        .outgoing("quiet").send(Email.builder().to("alice@example.org").subject("Hi").text("body").build());

    assertThat(graph.calls("POST", "/sendMail").get(0).json().get("SaveToSentItems").getAsBoolean()).isFalse();
  }

  @Test
  void sendAsUserIsTheOneInThePathWhileFromStaysTheDisplayAddress() {
    registry(OwaTestSupport.mailbox(graph, "shared")
        .options(OwaOptions.builder().sendAs("svc-mailer@example.com").build()).build())
        .outgoing("shared").send(Email.builder().to("alice@example.org").subject("Hi").text("body").build());

    FakeGraph.Call send = graph.calls("POST", "/sendMail").get(0);
    assertThat(send.path()).isEqualTo("/v1.0/users/svc-mailer@example.com/sendMail");
    assertThat(send.json().getAsJsonObject("Message").getAsJsonObject("from").getAsJsonObject("emailAddress")
        .get("address").getAsString()).isEqualTo("desk@example.com");
  }

  @Test
  void headerNotNamedXIsRefusedBeforeAnyRequest() {
    MailboxRegistry r = registry();
    Email email = Email.builder().to("alice@example.org").subject("Hi").text("body").header("Importance", "high")
        .build();

    assertThatThrownBy(() -> r.defaultOutgoing().send(email))
        .isInstanceOfSatisfying(TransportException.class, e -> {
          assertThat(e.kind()).isEqualTo(TransportException.Kind.PERMANENT);
          assertThat(e.stage()).isEqualTo(TransportException.Stage.CONTENT);
        })
        .hasMessage("mailbox 'desk': header 'Importance' cannot be sent through Microsoft Graph, which accepts only"
            + " custom headers whose names start with X-");
    assertThat(graph.calls()).isEmpty();
  }

  @Test
  void thousandSendsAskTheTokenEndpointOnce() {
    MailboxRegistry r = registry();
    for (int i = 0; i < 1000; i++) {
      r.defaultOutgoing().send(Email.builder().to("alice@example.org").subject("Mail " + i).text("body").build());
    }

    assertThat(graph.tokenRequests()).isEqualTo(1);
    assertThat(graph.calls("POST", "/sendMail")).hasSize(1000)
        .allSatisfy(c -> assertThat(c.header("Authorization")).isEqualTo("Bearer token-1"));
  }
}
