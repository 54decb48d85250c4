package org.outmail.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.BlockReason;
import org.outmail.MailboxRegistry;
import org.outmail.SendResult;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample application as a host runs it: started by Spring Boot from {@code application.yml},
 * sending through the starter's registry to GreenMail on 127.0.0.1, with its health and metrics
 * read from the actuator over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@Timeout(60)
class SampleApplicationTest {
  private static final GreenMail SMTP = start();

  @LocalServerPort
  int port;

  @Autowired
  TicketNotifier notifier;

  @Autowired
  AuditHook audit;

  @Autowired
  MailboxRegistry registry;

  @Autowired
  MeterRegistry meters;

  private static GreenMail start() {
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    smtp.start();
    return smtp;
  }

  @DynamicPropertySource
  static void smtpPort(DynamicPropertyRegistry properties) {
    properties.add("outmail.mailbox.support.port", () -> SMTP.getSmtp().getPort());
    properties.add("outmail.mailbox.billing.port", () -> SMTP.getSmtp().getPort());
  }

  @AfterAll
  static void stop() {
    SMTP.stop();
  }

  private Map<String, Object> get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    return JsonParserFactory.getJsonParser().parseMap(response.body());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void applicationSendsThroughTheYamlMailboxesAndReportsHealthAndMetrics() throws Exception {
    assertThat(registry.mailboxes()).extracting(m -> m.id()).containsExactlyInAnyOrder("support", "billing");

    SendResult ticket = notifier.notify(null, "4711", "alice@example.org", "Printer on floor 2 is jammed",
        "We are on it.");
    SendResult invoice = notifier.notify("billing", "2026-17", "bob@example.org", "Your invoice", "Attached.");
    SendResult blocked = registry.outgoing("billing").send(org.outmail.Email.builder().to("carol@example.org")
        .cc("robot@noreply.example.com").subject("Reminder").text("Due soon.").recordId("2026-18").build());

    // GreenMail received them, tagged and from each mailbox's display name
    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received).extracting(MimeMessage::getSubject).containsExactlyInAnyOrder(
        "[TICKET#4711] Printer on floor 2 is jammed", "[INVOICE#2026-17] Your invoice", "[INVOICE#2026-18] Reminder");
    MimeMessage first = SMTP.getReceivedMessagesForDomain("example.org")[0];
    assertThat(((InternetAddress) first.getFrom()[0]).getPersonal()).isIn("Your Service Desk", "Billing Team");
    assertThat(ticket.acceptedRecipients()).containsExactly("alice@example.org");
    assertThat(invoice.subject()).isEqualTo("[INVOICE#2026-17] Your invoice");
    assertThat(blocked.blockedRecipients()).containsEntry("robot@noreply.example.com", BlockReason.EXCLUDED);
    assertThat(audit.subjects()).containsExactly("support: [TICKET#4711] Printer on floor 2 is jammed",
        "billing: [INVOICE#2026-17] Your invoice", "billing: [INVOICE#2026-18] Reminder");

    // the metrics, from /actuator/metrics
    Map<String, Object> sends = get("/actuator/metrics/outmail.sends?tag=mailbox:billing&tag=outcome:sent");
    assertThat(measurement(sends, "COUNT")).isEqualTo(2.0);
    Map<String, Object> blockedRecipients = get("/actuator/metrics/outmail.recipients.blocked?tag=reason:excluded");
    assertThat(measurement(blockedRecipients, "COUNT")).isEqualTo(1.0);
    Map<String, Object> duration = get("/actuator/metrics/outmail.send.duration?tag=mailbox:support");
    assertThat(measurement(duration, "COUNT")).isEqualTo(1.0);
    assertThat(meters.get("outmail.sends").tags("mailbox", "support", "protocol", "smtp", "outcome", "sent")
        .counter().count()).isEqualTo(1.0);

    // the health of each mailbox, from /actuator/health: the Check against GreenMail, cached
    Map<String, Object> health = get("/actuator/health");
    assertThat(health).containsEntry("status", "UP");
    Map<String, Object> outmail = get("/actuator/health/outmail");
    assertThat(outmail).containsEntry("status", "UP");
    Map<String, Object> support = map(map(outmail.get("components")).get("support"));
    assertThat(support).containsEntry("status", "UP");
    assertThat(map(support.get("details"))).containsEntry("protocol", "smtp").containsEntry("host", "127.0.0.1")
        .containsEntry("port", SMTP.getSmtp().getPort()).containsKeys("message", "checkedAt", "elapsed");
    Map<String, Object> again = get("/actuator/health/outmail/support");
    assertThat(map(again.get("details")).get("checkedAt")).isEqualTo(map(support.get("details")).get("checkedAt"));
  }

  @SuppressWarnings("unchecked")
  private static double measurement(Map<String, Object> metric, String statistic) {
    return ((List<Map<String, Object>>) metric.get("measurements")).stream()
        .filter(m -> m.get("statistic").equals(statistic)).mapToDouble(m -> ((Number) m.get("value")).doubleValue())
        .findFirst().orElseThrow();
  }
}
