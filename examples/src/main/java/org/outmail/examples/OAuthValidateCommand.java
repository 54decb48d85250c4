package org.outmail.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxType;
import org.outmail.oauth.AuthorizationRequest;
import org.outmail.oauth.DeviceAuthorization;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthException;
import org.outmail.oauth.OAuthGrant;
import org.outmail.oauth.OAuthProvider;
import org.outmail.oauth.OAuthValidation;
import org.outmail.oauth.OAuthValidations;
import org.outmail.oauth.TokenStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code outmail oauth validate CLIENT}: an administrator signs in once for a delegated OAuth
 * client, in a browser (a loopback redirect on 127.0.0.1, RFC 8252) or with a device code, and
 * the refresh token goes to the configuration's token store; then every mailbox of the client is
 * checked.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = {
    "Validates a delegated OAuth client (grant REFRESH_TOKEN): prints a URL to open in a browser, "
        + "listens on 127.0.0.1 for the provider's redirect, stores the refresh token in the file named by "
        + "outmail.token-store.file, then runs Check on every mailbox that uses the client.",
    "With --device, prints a code to enter at the provider's page from any device instead (Microsoft; a "
        + "GENERIC client with a device-endpoint). Google's device flow does not grant the Gmail scope: "
        + "validate Google clients in a browser, or use a service account (grant JWT_BEARER).",
    "Register the redirect URI http://127.0.0.1 (any port) with the provider; see the README."}, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:validated, and every mailbox of the client passed its check",
        "1:the validation failed (declined, expired, refused, timed out) or a check failed",
        "2:usage error: unknown or missing option",
        "3:configuration error: unreadable file, unknown client, no token store"})
final class OAuthValidateCommand implements Callable<Integer> {
  static final String GRAPH_SCOPE = "https://graph.microsoft.com/Mail.Send";

  @Mixin ConfigOption config;

  @Parameters(paramLabel = "CLIENT", description = "The OAuth client's name (outmail.oauth-client.CLIENT.*).") String clientName;

  @Option(names = "--device", description = "Use the device code flow: no browser needed on this machine.") boolean device;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class, description = "How long to wait for the sign-in: 90s, 5m, 1h (default ${DEFAULT-VALUE}).") Duration timeout;

  @Mixin OutputOptions output;

  @ParentCommand OAuthCommand parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (MailboxRegistry registry = config.load()) {
      List<Mailbox> mailboxes = registry.mailboxes().stream()
          .filter(m -> m.oauthClient().map(c -> c.name().equals(clientName)).orElse(false)).toList();
      if (mailboxes.isEmpty()) {
        List<String> used = registry.mailboxes().stream().flatMap(m -> m.oauthClient().stream()).map(OAuthClient::name)
            .distinct().toList();
        throw new MailboxConfigException(null, "oauth-client", "no mailbox of " + config.file + " uses OAuth client '"
            + clientName + "'; clients used: " + used);
      }
      OAuthClient client = mailboxes.get(0).oauthClient().orElseThrow();
      if (client.grant() == OAuthGrant.REFRESH_TOKEN) {
        TokenStore store = registry.tokenStore();
        if (!store.persistent()) {
          throw new MailboxConfigException(null, "outmail.token-store.file", config.file + " sets no"
              + " outmail.token-store.file: the refresh token would be lost when outmail exits; add"
              + " outmail.token-store.file=/path/to/outmail-tokens.properties");
        }
        // the identity provider is reached with the trust of the mailbox that uses the client (a private CA)
        OAuthValidations validations = mailboxes.get(0).trustStore().isPresent()
            ? new OAuthValidations(store).withTls(org.outmail.spi.Tls.context(mailboxes.get(0)))
            : new OAuthValidations(store);
        List<String> scopes = scopes(client, mailboxes);
        OAuthValidation done = device ? device(validations, client, scopes, out)
            : browser(validations, client, scopes, out, err);
        out.println("OAuth client '" + client.name() + "' validated: scopes " + String.join(" ", done.scopes())
            + "; refresh token stored in " + store);
        done.warnings().forEach(w -> out.println("warning: " + w));
      } else {
        out.println(
            "OAuth client '" + client.name() + "' uses grant " + client.grant() + ": there is nothing to validate"
                + " (its " + (client.grant() == OAuthGrant.JWT_BEARER ? "service account key" : "secret")
                + " gets tokens)");
      }
      out.flush();
      return check(registry, mailboxes, out, err);
    }
  }

  /** The scopes to ask for: the client's own, else its provider's for SMTP and, for owa mailboxes, Graph. */
  static List<String> scopes(OAuthClient client, List<Mailbox> mailboxes) {
    if (!client.scopes().isEmpty() || client.provider() != OAuthProvider.MICROSOFT) {
      return List.of();
    }
    List<String> scopes = new ArrayList<>();
    if (mailboxes.stream().anyMatch(m -> !m.protocol().equals("owa"))) {
      scopes.add("https://outlook.office.com/SMTP.Send");
    }
    if (mailboxes.stream().anyMatch(m -> m.protocol().equals("owa"))) {
      scopes.add(GRAPH_SCOPE);
    }
    return scopes;
  }

  private OAuthValidation browser(OAuthValidations validations, OAuthClient client, List<String> scopes,
      PrintWriter out,
      PrintWriter err) throws InterruptedException {
    try (LoopbackRedirect loopback = new LoopbackRedirect(err, spec.qualifiedName())) {
      AuthorizationRequest request = validations.start(client, scopes, loopback.redirectUri());
      loopback.expect(request.state(), validations::complete);
      out.println("Open this URL in a browser, sign in and consent for OAuth client '" + client.name() + "':");
      out.println();
      out.println("  " + request.authorizationUri());
      out.println();
      out.println("Waiting up to " + human(timeout) + " for the redirect to " + loopback.redirectUri()
          + " (on another machine? use --device, or validate where a browser can reach this one)...");
      out.flush();
      try {
        return loopback.await(timeout);
      } catch (TimeoutException e) {
        throw new OAuthException("OAuth client '" + client.name() + "': no sign-in came back within "
            + human(timeout) + "; run the command again (--timeout waits longer)", null, false, null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1 for the redirect", e);
    }
  }

  private OAuthValidation device(OAuthValidations validations, OAuthClient client, List<String> scopes,
      PrintWriter out) {
    DeviceAuthorization d = validations.startDevice(client, scopes);
    out.println("To validate OAuth client '" + client.name() + "', open " + d.verificationUri()
        + " on any device and enter the code " + d.userCode());
    d.verificationUriComplete().ifPresent(u -> out.println("(or open " + u + ")"));
    out.println("Waiting up to " + human(shorter(timeout, Duration.between(Instant.now(), d.expiresAt())))
        + " for the sign-in...");
    out.flush();
    return validations.awaitDevice(d, timeout);
  }

  /** {@code 5 minutes}, {@code 90 s}. */
  static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s >= 60 && s % 60 == 0) {
      return s / 60 + (s == 60 ? " minute" : " minutes");
    }
    return s + " s";
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private int check(MailboxRegistry registry, List<Mailbox> mailboxes, PrintWriter out, PrintWriter err) {
    List<Mailbox> targets = mailboxes.stream().filter(m -> m.type() == MailboxType.OUT).toList();
    int width = targets.stream().mapToInt(m -> m.id().length()).max().orElse(0);
    List<String> failed = new ArrayList<>();
    try (Progress progress = parent.cli.progress(spec.commandLine(), output)) {
      for (Mailbox m : targets) {
        CheckResult result;
        Progress.Step step = progress.slow("checking " + m.id() + " (" + CheckCommand.where(m) + ")...");
        try {
          result = registry.outgoing(m.id()).check();
        } finally {
          step.close();
        }
        out.println(m.id() + " ".repeat(width - m.id().length()) + "  " + CheckCommand.line(result));
        out.flush();
        if (!result.ok()) {
          failed.add(m.id());
        }
      }
    }
    if (!failed.isEmpty()) {
      err.println(spec.qualifiedName() + ": check failed for " + String.join(", ", failed) + " (" + failed.size()
          + " of " + targets.size() + ")");
      return OutmailCli.FAILED;
    }
    return OutmailCli.OK;
  }

  /** {@code 90s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT5M}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})(s|m|h)");

    @Override
    public Duration convert(String value) {
      Matcher m = SHORT.matcher(value.toLowerCase(Locale.ROOT));
      Duration d;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        d = switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      } else {
        try {
          d = Duration.parse(value);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("'" + value + "' is not a duration (90s, 5m, 1h)");
        }
      }
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("'" + value + "' must be positive");
      }
      return d;
    }
  }
}
