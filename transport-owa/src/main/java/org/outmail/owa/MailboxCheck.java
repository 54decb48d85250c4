package org.outmail.owa;

import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.outmail.CheckResult;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.TransportException;
import org.outmail.oauth.OAuthException;

/**
 * The Check button for an {@code owa} mailbox: gets a token, then reads the mailbox's user from
 * Graph ({@code GET /users/{user}?$select=id,mail,userPrincipalName}). Each failure names its
 * stage: {@code token} (endpoint unreachable, bad credentials, consent missing, unknown tenant)
 * {@code permission} (the token's {@code roles} claim lacks {@code Mail.Send}) or {@code mailbox}
 * (Graph unreachable, mailbox not found, permission missing). A token without roles (Exchange RBAC
 * for Applications, or nothing granted) and a missing {@code Mail.ReadWrite} pass with a note.
 */
final class MailboxCheck {
  private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+");

  private final Mailbox mailbox;
  private final GraphEndpoint endpoint;
  private final GraphTokenSource tokens;
  private final GraphServiceClient graph;

  MailboxCheck(Mailbox mailbox, GraphEndpoint endpoint, GraphTokenSource tokens, GraphServiceClient graph) {
    this.mailbox = mailbox;
    this.endpoint = endpoint;
    this.tokens = tokens;
    this.graph = graph;
  }

  CheckResult run() {
    long start = System.nanoTime();
    String where = MailException.mailboxPrefix(mailbox.id());
    String token;
    try {
      token = tokens.token();
    } catch (OAuthException e) {
      return CheckResult.failed(TransportException.Stage.TOKEN, where + describe(e), since(start));
    }
    Optional<List<String>> roles = TokenRoles.of(token);
    Optional<String> rolesProblem = roles.flatMap(TokenRoles::problem);
    if (roles.isPresent() && !roles.get().isEmpty() && !roles.get().contains("Mail.Send")) {
      return CheckResult.failed(TransportException.Stage.PERMISSION, where + rolesProblem.orElseThrow(), since(start));
    }
    User user;
    try {
      user = graph.users().byUserId(endpoint.user())
          .get(c -> c.queryParameters.select = new String[] {"id", "mail", "userPrincipalName"});
    } catch (OAuthException e) {
      return CheckResult.failed(TransportException.Stage.TOKEN, where + describe(e), since(start));
    } catch (RuntimeException e) {
      return CheckResult.failed(TransportException.Stage.SENDER, where + describe(e), since(start));
    }
    String id = user == null || user.getId() == null ? "?" : user.getId();
    return CheckResult.passed(where + "token acquired; mailbox " + endpoint.user() + " found at " + endpoint.baseUrl()
        + " (user id " + id + ")" + rolesProblem.map(p -> "; note: " + p).orElse(""), since(start));
  }

  /** What a token failure means for the administrator, with Microsoft's error code. */
  static String describe(OAuthException e) {
    String text = (e.errorCode().orElse("") + " " + e.getMessage()).toUpperCase(Locale.ROOT);
    String code = e.errorCode().orElse(null);
    Matcher m = AADSTS.matcher(text);
    if (m.find()) {
      code = m.group();
    }
    String what;
    if (code == null && e.isTransient()) {
      what = "token endpoint unreachable";
    } else if (code != null
        && code.matches("AADSTS(7000215|7000222|700016|7000216|700027|7000218)|INVALID_CLIENT|UNAUTHORIZED_CLIENT")) {
      what = "bad credentials (client id or secret wrong or expired)";
    } else if (code != null && code.matches("AADSTS(65001|650056|650057|500011|7000112|7000229)|CONSENT_REQUIRED")) {
      what = "consent missing (an administrator must grant the app's permissions in the tenant)";
    } else if (code != null && code.matches("AADSTS(90002|900023|90013|90072)")) {
      what = "unknown tenant";
    } else if (e.isTransient()) {
      what = "token endpoint unavailable";
    } else {
      what = "token refused";
    }
    return what + ": " + e.getMessage();
  }

  private String describe(RuntimeException e) {
    GraphErrors.Failure f = GraphErrors.failure(e);
    String at = "Graph at " + endpoint.baseUrl() + ": ";
    if (f == null) {
      return "Graph unreachable at " + endpoint.baseUrl() + ": " + e;
    }
    return switch (f.status()) {
      case 404 -> "mailbox not found: " + at + "no user " + endpoint.user() + " (HTTP " + f.reply() + ")";
      case 403 -> "permission missing: " + at + "the app may not read " + endpoint.user()
          + " (grant Mail.Send scoped to this mailbox and User.ReadBasic.All, or check the RBAC scope) (HTTP "
          + f.reply() + ")";
      case 401 -> "token refused by Graph: " + at + "HTTP " + f.reply();
      default -> "unexpected answer: " + at + "HTTP " + f.reply();
    };
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
