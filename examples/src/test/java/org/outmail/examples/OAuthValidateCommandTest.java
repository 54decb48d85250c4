package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outmail.oauth.server.AuthorizationServer;
import org.outmail.oauth.server.Browser;

/**
 * {@code outmail oauth validate} against the authorization server on 127.0.0.1, the browser played
 * by an HTTP client that follows the redirect to the command's loopback listener, then Check
 * against GreenMail, which accepts as XOAUTH2 token only the last one the server issued to the user.
 */
@Timeout(60)
class OAuthValidateCommandTest {
  private static final String USER = "support@contoso.example";
  private static final Pattern URL = Pattern.compile("^  (http://127\\.0\\.0\\.1:\\d+/\\S+)$", Pattern.MULTILINE);

  @TempDir Path dir;

  private final AuthorizationServer auth = AuthorizationServer.start()
      .registerClient("m365-app", null, "http://127.0.0.1")
      .registerClient("gmail-app", "gmail-secret", "http://127.0.0.1")
      .signIn(USER);
  private final GreenMail smtp = new GreenMail(
      new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
  private final Browser browser = new Browser();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final List<String> printed = new ArrayList<>();

  {
    smtp.start();
    auth.onAccessToken((user, token) -> smtp.setUser(user, user, token));
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
    smtp.stop();
    auth.close();
  }

  private Path config(String... extra) {
    List<String> lines = new ArrayList<>(List.of(
        "outmail.mailbox.support.name=Service Desk",
        "outmail.mailbox.support.type=OUT",
        "outmail.mailbox.support.email-display=" + USER,
        "outmail.mailbox.support.host=127.0.0.1",
        "outmail.mailbox.support.port=" + smtp.getSmtp().getPort(),
        "outmail.mailbox.support.encryption=NONE",
        "outmail.mailbox.support.oauth-client=m365",
        "outmail.mailbox.support.retry.max-attempts=1",
        "outmail.mailbox.alerts.name=Alerts",
        "outmail.mailbox.alerts.type=OUT",
        "outmail.mailbox.alerts.email-display=alerts@contoso.example",
        "outmail.mailbox.alerts.username=" + USER,
        "outmail.mailbox.alerts.host=127.0.0.1",
        "outmail.mailbox.alerts.port=" + smtp.getSmtp().getPort(),
        "outmail.mailbox.alerts.encryption=NONE",
        "outmail.mailbox.alerts.oauth-client=m365",
        "outmail.mailbox.alerts.retry.max-attempts=1",
        "outmail.oauth-client.m365.provider=microsoft",
        "outmail.oauth-client.m365.grant=REFRESH_TOKEN",
        "outmail.oauth-client.m365.authority=" + auth.authority(),
        "outmail.oauth-client.m365.client-id=m365-app"));
    lines.addAll(List.of(extra));
    return TestConfig.write(dir, lines);
  }

  private String tokenStore() {
    return "outmail.token-store.file=" + dir.resolve("tokens.properties");
  }

  /** The command running in the background, its output readable while it runs. */
  private final class Running {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final Future<Integer> exit;

    Running(String... args) {
      exit = executor.submit(() -> OutmailCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args));
    }

    /** The first match of the pattern in standard output, once printed. */
    Matcher awaitOut(Pattern pattern) throws Exception {
      for (int i = 0; i < 2000; i++) {
        Matcher m = pattern.matcher(out.toString());
        if (m.find()) {
          return m;
        }
        if (exit.isDone()) {
          throw new AssertionError(
              "exited " + exit.get() + " without printing " + pattern + "; out: " + out + " err: " + err);
        }
        Thread.sleep(10);
      }
      throw new AssertionError("never printed " + pattern + "; out: " + out);
    }

    int exitCode() throws Exception {
      int code = exit.get(30, TimeUnit.SECONDS);
      printed.add(out.toString());
      printed.add(err.toString());
      return code;
    }
  }

  private void assertNoSecretPrinted() {
    for (String secret : auth.secrets()) {
      assertThat(printed).allSatisfy(text -> assertThat(text).doesNotContain(secret));
    }
  }

  @Test
  void validatesInABrowserStoresTheTokenOwnerOnlyAndChecksEveryMailboxOfTheClient() throws Exception {
    Path config = config(tokenStore());
    Running cli = new Running("oauth", "validate", "m365", "--config", config.toString());

    URI authorization = URI.create(cli.awaitOut(URL).group(1));
    URI redirect = browser.signIn(authorization);
    assertThat(redirect.toString()).matches("http://127\\.0\\.0\\.1:\\d+/\\?code=.*&state=.*");
    URI forged = URI.create(redirect.getScheme() + "://" + redirect.getAuthority() + "/?code=stolen&state=forged");
    assertThat(browser.open(forged).statusCode()).isEqualTo(400);
    HttpResponse<String> page = browser.open(redirect);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("outmail: OAuth client 'm365' is validated. You can close this window.");
    assertThat(cli.exitCode()).isZero();
    Path tokens = dir.resolve("tokens.properties");
    List<String> out = List.of(cli.out.toString().split("\\R"));
    assertThat(out.get(2)).isEqualTo("  " + authorization);
    assertThat(out.get(0)).isEqualTo("Open this URL in a browser, sign in and consent for OAuth client 'm365':");
    assertThat(out.get(4)).isEqualTo("Waiting up to 5 minutes for the redirect to http://" + redirect.getAuthority()
        + "/ (on another machine? use --device, or validate where a browser can reach this one)...");
    assertThat(out.get(5)).isEqualTo("OAuth client 'm365' validated: scopes https://outlook.office.com/SMTP.Send;"
        + " refresh token stored in FileTokenStore[" + tokens + "]");
    assertThat(out.subList(6, out.size())).hasSize(2)
        .anySatisfy(l -> assertThat(l).startsWith("support  OK").contains("authenticated as " + USER + " with XOAUTH2"))
        .anySatisfy(
            l -> assertThat(l).startsWith("alerts   OK").contains("authenticated as " + USER + " with XOAUTH2"));
    assertThat(cli.err.toString())
        .isEqualTo("outmail oauth validate: ignored a request to http://" + redirect.getAuthority()
            + "/ that does not answer this validation" + System.lineSeparator());
    assertThat(Files.readString(tokens)).contains("m365=refresh-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens))).isEqualTo("rw-------");
    assertThat(auth.authorizeRequests().get(0))
        .containsEntry("scope", "offline_access https://outlook.office.com/SMTP.Send")
        .containsEntry("redirect_uri", "http://" + redirect.getAuthority() + "/");
    assertNoSecretPrinted();

    // the stored token serves a later run: check needs no validation
    Cli check = Cli.run("check", "--config", config.toString());
    assertThat(check.exitCode()).as(check.err()).isZero();
  }

  @Test
  void validatesWithADeviceCode() throws Exception {
    auth.deviceInterval(1);
    Running cli = new Running("oauth", "validate", "m365", "--device", "--config", config(tokenStore()).toString());

    Matcher m = cli
        .awaitOut(Pattern.compile("open (http://\\S+) on any device and enter the code ([A-Z]{4}-[A-Z]{4})"));
    assertThat(browser.open(URI.create(m.group(1) + "?user_code=" + m.group(2) + "&consent=yes")).statusCode())
        .isEqualTo(200);

    assertThat(cli.exitCode()).as(cli.err.toString()).isZero();
    assertThat(cli.out.toString()).contains("Waiting up to 5 minutes for the sign-in...",
        "OAuth client 'm365' validated: scopes https://outlook.office.com/SMTP.Send; refresh token stored in");
    assertThat(cli.out.toString()).contains("support  OK", "alerts   OK");
    assertNoSecretPrinted();
  }

  @Test
  void aGoogleClientHasNoDeviceFlowAndTheCommandSaysWhatToDoInstead() throws Exception {
    Path config = config(tokenStore(),
        "outmail.mailbox.gmail.name=Gmail",
        "outmail.mailbox.gmail.type=OUT",
        "outmail.mailbox.gmail.email-display=desk@example.com",
        "outmail.mailbox.gmail.host=127.0.0.1",
        "outmail.mailbox.gmail.port=" + smtp.getSmtp().getPort(),
        "outmail.mailbox.gmail.encryption=NONE",
        "outmail.mailbox.gmail.oauth-client=gmail",
        "outmail.oauth-client.gmail.provider=google",
        "outmail.oauth-client.gmail.grant=REFRESH_TOKEN",
        "outmail.oauth-client.gmail.client-id=gmail-app",
        "outmail.oauth-client.gmail.client-secret=gmail-secret");

    Cli cli = Cli.run("oauth", "validate", "gmail", "--device", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
    assertThat(cli.errLines()).containsExactly("outmail oauth validate: OAuth client 'gmail': Google's device flow does"
        + " not grant the Gmail scope (https://mail.google.com/); validate it in a browser instead (outmail oauth validate"
        + " gmail without --device, on any machine with a browser), or use a Google Workspace service account (grant"
        + " JWT_BEARER)");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void withoutATokenStoreNothingIsAskedOfTheProvider() {
    Path config = config();

    Cli cli = Cli.run("oauth", "validate", "m365", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.errLines())
        .containsExactly("outmail oauth validate: " + config + " sets no outmail.token-store.file:"
            + " the refresh token would be lost when outmail exits; add"
            + " outmail.token-store.file=/path/to/outmail-tokens.properties");
    assertThat(auth.authorizeRequests()).isEmpty();
  }

  @Test
  void aClientNoMailboxUsesIsNamedWithThoseUsed() {
    Path config = config(tokenStore());

    Cli cli = Cli.run("oauth", "validate", "m356", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.CONFIG);
    assertThat(cli.errLines()).containsExactly("outmail oauth validate: no mailbox of " + config
        + " uses OAuth client 'm356'; clients used: [m365]");
  }

  @Test
  void theProvidersRefusalEndsTheCommandAndIsShownInTheBrowser() throws Exception {
    auth.refuseNextSignIn("access_denied", "AADSTS65004: User declined to consent to access the app.");
    Running cli = new Running("oauth", "validate", "m365", "--config", config(tokenStore()).toString());

    HttpResponse<String> page = browser.open(browser.signIn(URI.create(cli.awaitOut(URL).group(1))));

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
    String refusal = "OAuth client 'm365': the provider refused the sign-in: access_denied: AADSTS65004: User declined"
        + " to consent to access the app.; the administrator declined, or the app lacks the tenant's consent";
    assertThat(cli.err.toString()).isEqualTo("outmail oauth validate: " + refusal + System.lineSeparator());
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.body()).isEqualTo("outmail: the validation failed: " + refusal);
    assertThat(Files.exists(dir.resolve("tokens.properties"))).isFalse();
  }

  @Test
  void withoutASignInTheCommandEndsAtItsTimeout() throws Exception {
    Running cli = new Running("oauth", "validate", "m365", "--timeout", "1s", "--config",
        config(tokenStore()).toString());

    assertThat(cli.exitCode()).isEqualTo(OutmailCli.FAILED);
    assertThat(cli.err.toString())
        .isEqualTo("outmail oauth validate: OAuth client 'm365': no sign-in came back within 1 s;"
            + " run the command again (--timeout waits longer)" + System.lineSeparator());
  }
}
