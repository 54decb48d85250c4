package org.outmail.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Encryption;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;
import org.outmail.MailboxStoreException;

/** What the console shows when the host's store refuses a change, spoken to over plain HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreFailurePageTest {
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private MailboxRegistry registry;
  private OutmailConsole console;

  @AfterEach
  void stop() {
    if (console != null) {
      console.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** A host's store whose delete fails with an exception that carries no message. */
  private static final class RefusingStore implements MailboxStore {
    private final MailboxStore mailboxes = MailboxStore.inMemory(List.of(Mailbox.builder("support").name("Service Desk")
        .emailDisplay("support@example.com").host("127.0.0.1").port(2525).encryption(Encryption.NONE).protocol("smtp")
        .build()));

    @Override
    public Contents contents() {
      return mailboxes.contents();
    }

    @Override
    public long version() {
      return mailboxes.version();
    }

    @Override
    public long save(Mailbox mailbox, long expectedVersion) {
      return mailboxes.save(mailbox, expectedVersion);
    }

    @Override
    public long delete(String id, long expectedVersion) {
      throw new MailboxStoreException(id, null, null);
    }

    @Override
    public Subscription onChange(Runnable listener) {
      return mailboxes.onChange(listener);
    }
  }

  @Test
  void aDeleteTheStoreRefusesWithoutAMessageShowsTheMailboxAgainWithTheProblem() throws Exception {
    registry = MailboxRegistry.builder().store(new RefusingStore()).build();
    console = OutmailConsole.start(registry, ConsoleOptions.builder().withoutLogin().build());
    HttpResponse<String> grid = http.send(HttpRequest.newBuilder(console.uri().resolve("/")).build(),
        HttpResponse.BodyHandlers.ofString());
    String setCookie = grid.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(grid.body());
    assertThat(csrf.find()).as("the grid's CSRF token").isTrue();

    HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(console.uri().resolve("/mailboxes/support/delete"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
        .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(deleted.statusCode()).isEqualTo(409);
    assertThat(deleted.body()).contains("Service Desk").contains("MailboxStoreException");
    assertThat(registry.mailboxes()).extracting(Mailbox::id).containsExactly("support");
  }
}
