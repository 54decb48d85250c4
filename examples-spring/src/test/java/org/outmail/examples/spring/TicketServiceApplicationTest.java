package org.outmail.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.outbox.OutboxState;
import org.outmail.spring.TransactionalOutbox;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ticket service as a newcomer runs it, over HTTP on a random port of 127.0.0.1: its SQLite
 * file in a temporary directory, its SMTP sink on a free port, everything else from {@code
 * application.yml}. Mail is delivered by the outbox's own workers, so the tests wait (up to their
 * timeout) for what the workers do.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@Timeout(120)
class TicketServiceApplicationTest {
  private static final Path DATA = temporaryDirectory();
  private static final int SINK_PORT = freePort();

  @LocalServerPort int port;

  @Autowired SmtpSink.Server sink;

  @Autowired TransactionalOutbox outbox;

  @Autowired JdbcTemplate jdbc;

  @Autowired AuditHook audit;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry properties) {
    properties.add("example.data-directory", DATA::toString);
    properties.add("example.sink.port", () -> SINK_PORT);
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("outmail-example-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER).build();

  private URI uri(String path) {
    return URI.create(path.startsWith("http") ? path : "http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postForm(String path, Map<String, String> form)
      throws IOException, InterruptedException {
    String body = String.join("&", form.entrySet().stream().map(e -> e.getKey() + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
    return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Object> json(HttpResponse<String> response) {
    return JsonParserFactory.getJsonParser().parseMap(response.body());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  /** Waits, within the test's timeout, until the outbox's workers have done what the condition asks. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      Thread.sleep(50);
    }
  }

  private long open(String requester, String subject, String team) throws Exception {
    HttpResponse<String> response = postJson("/tickets", "{\"requester\": \"" + requester + "\", \"subject\": \""
        + subject + "\", \"description\": \"Paper jam, tray 2.\", \"team\": \"" + team + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    long mailId = ((Number) json(response).get("mailId")).longValue();
    await(() -> outbox.outbox().status(mailId).map(e -> e.state() == OutboxState.SENT).orElse(false));
    return ((Number) map(json(response).get("ticket")).get("id")).longValue();
  }

  private List<SmtpSink.Received> received(String subject) {
    return sink.received().stream().filter(m -> m.subject().endsWith(subject)).toList();
  }

  @Test
  void aCommittedTicketsNotificationIsDeliveredToTheSinkExactlyOnce() throws Exception {
    long id = open("alice@example.org", "Printer on floor 2 is jammed", "printers");

    List<SmtpSink.Received> mails = received("Printer on floor 2 is jammed");
    assertThat(mails).hasSize(1);
    assertThat(mails.get(0).subject()).isEqualTo("[TICKET#" + id + "] Printer on floor 2 is jammed");
    assertThat(mails.get(0).to()).isEqualTo("alice@example.org");
    assertThat(mails.get(0).from()).isEqualTo("Your Service Desk <support@example.com>");
    assertThat(audit.subjects()).contains("support: [TICKET#" + id + "] Printer on floor 2 is jammed");

    // the ticket is there, and the outbox has nothing left to send it again
    HttpResponse<String> ticket = get("/tickets/" + id);
    assertThat(ticket.statusCode()).isEqualTo(200);
    assertThat(json(ticket)).containsEntry("requester", "alice@example.org").containsEntry("team", "printers");
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outmail_outbox WHERE state <> 'SENT'", Integer.class))
        .isZero();
    HttpResponse<String> listed = get("/sink/messages");
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.body()).containsOnlyOnce("[TICKET#" + id + "] Printer on floor 2 is jammed");
  }

  @Test
  void aTicketRefusedAfterItsMailWasQueuedIsNotSavedAndSendsNothing() throws Exception {
    int tickets = jdbc.queryForObject("SELECT COUNT(*) FROM ticket", Integer.class);
    int mails = jdbc.queryForObject("SELECT COUNT(*) FROM outmail_outbox", Integer.class);

    HttpResponse<String> refused = postJson("/tickets", "{\"requester\": \"bob@example.org\", \"subject\": "
        + "\"The plumbing leaks\", \"description\": \"Water everywhere.\", \"team\": \"plumbing\"}");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).get("error"))
        .isEqualTo("team 'plumbing' does not exist; known teams: desk, network, printers");
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ticket", Integer.class)).isEqualTo(tickets);
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outmail_outbox", Integer.class)).isEqualTo(mails);

    // a ticket opened after it is delivered; the refused one never is
    open("carol@example.org", "VPN drops every hour", "network");
    assertThat(received("VPN drops every hour")).hasSize(1);
    assertThat(received("The plumbing leaks")).isEmpty();
  }

  @Test
  void theConsoleAsksForTheLoginAndShowsTheMailboxesAndTheOutboxAfterIt() throws Exception {
    HttpResponse<String> anonymous = get("/outmail/");
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));

    HttpResponse<String> loginPage = get("/login");
    assertThat(loginPage.statusCode()).isEqualTo(200);
    Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(loginPage.body());
    assertThat(csrf.find()).as(loginPage.body()).isTrue();

    HttpResponse<String> wrong = postForm("/login", Map.of("username", "admin", "password", "wrong",
        "_csrf", csrf.group(1)));
    assertThat(wrong.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
    assertThat(get("/outmail/").statusCode()).isEqualTo(302);

    loginPage = get("/login");
    csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(loginPage.body());
    assertThat(csrf.find()).isTrue();
    HttpResponse<String> login = postForm("/login", Map.of("username", "admin", "password", "outmail-demo",
        "_csrf", csrf.group(1)));
    assertThat(login.statusCode()).isEqualTo(302);
    String back = login.headers().firstValue("Location").orElseThrow();
    assertThat(back).contains("/outmail/");

    HttpResponse<String> console = get(back);
    assertThat(console.statusCode()).as(console.body()).isEqualTo(200);
    assertThat(console.body()).contains("Service Desk", "support@example.com", "Billing");

    HttpResponse<String> outbox = get("/outmail/outbox");
    assertThat(outbox.statusCode()).as(outbox.body()).isEqualTo(200);
    assertThat(outbox.body()).contains("<h1>Outbox</h1>");
  }

  @Test
  void healthAndMetricsAnswerFromTheStart() throws Exception {
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(json(health)).containsEntry("status", "UP");
    Map<String, Object> components = map(json(health).get("components"));
    assertThat(map(components.get("outmail"))).containsEntry("status", "UP");
    assertThat(map(components.get("outmailOutbox"))).containsEntry("status", "UP");
    assertThat(map(components.get("db"))).containsEntry("status", "UP");

    for (String meter : List.of("outmail.sends", "outmail.send.duration", "outmail.outbox.mails",
        "outmail.outbox.oldest.waiting")) {
      HttpResponse<String> metric = get("/actuator/metrics/" + meter);
      assertThat(metric.statusCode()).as(meter + " " + metric.body()).isEqualTo(200);
      assertThat(json(metric)).containsEntry("name", meter);
    }
    HttpResponse<String> support = get("/actuator/metrics/outmail.sends?tag=mailbox:support");
    assertThat(support.statusCode()).as(support.body()).isEqualTo(200);
  }
}
