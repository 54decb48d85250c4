package org.outmail.console;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.outmail.MailboxRegistry;
import org.outmail.MailboxStore;

/**
 * The console as a Jakarta Servlet, for a host to mount under a path of its choosing behind its own
 * authentication, the way a job dashboard mounts in a web application:
 *
 * <pre>{@code
 * ServletHolder console = new ServletHolder(new ConsoleServlet(registry));
 * context.addServlet(console, "/admin/mail/*");       // behind the host's login
 * }</pre>
 *
 * <p>Mounted this way the console has no login of its own: whoever the host lets through is an
 * administrator (named by {@link HttpServletRequest#getRemoteUser()} when the host sets it). Give it
 * only to people you would give the mail passwords to. It still puts a CSRF token in every form,
 * refuses a POST from another origin, sends its Content-Security-Policy and keeps secrets
 * write-only. {@link OutmailConsole#start} runs the same servlet on a server of its own, with its own
 * login.
 *
 * <p>Changes go through {@link MailboxRegistry#save} and {@link MailboxRegistry#delete}: a registry
 * built over a writable {@link MailboxStore} can be edited; one with fixed mailboxes, or a read-only
 * store, is shown and checked only.
 */
public final class ConsoleServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** The console's state (sessions, last checks) lives in memory: a servlet is never serialized. */
  private final transient ConsoleServer console;

  /**
   * The console for a host to mount behind its own authentication.
   *
   * @param registry the registry whose mailboxes it shows and, if it follows a writable {@link
   *     MailboxStore}, changes
   */
  public ConsoleServlet(MailboxRegistry registry) {
    this(new ConsoleServer(registry, ConsoleOptions.builder().withoutLogin().build(), true));
  }

  /**
   * The console for a host that authenticates and also checks CSRF itself, such as Spring Security
   * (whose filter refuses a POST without the session's token before it reaches the console): the
   * console's forms carry the host's token as the {@code _csrf} parameter (Spring Security's default
   * name), and the console checks no token of its own. For a request without a host token ({@code
   * hostCsrfToken} answers null) the console uses and checks its own, as {@link
   * #ConsoleServlet(MailboxRegistry)}. The {@code Origin} check and everything else stay.
   *
   * <pre>{@code
   * new ConsoleServlet(registry, request -> {
   *   CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
   *   return token == null ? null : token.getToken();
   * });
   * }</pre>
   *
   * @param registry the registry whose mailboxes it shows and, if it follows a writable {@link
   *     MailboxStore}, changes
   * @param hostCsrfToken the host's CSRF token for a request, or null when it has none
   */
  public ConsoleServlet(MailboxRegistry registry, java.util.function.Function<HttpServletRequest, String> hostCsrfToken) {
    this(new ConsoleServer(registry, ConsoleOptions.builder().withoutLogin().build(), true,
        java.util.Objects.requireNonNull(hostCsrfToken, "hostCsrfToken == null")));
  }

  /**
   * The console for a host to mount behind its own authentication, with the outbox's screen.
   *
   * @param registry the registry whose mailboxes it shows and, if it follows a writable {@link
   *     MailboxStore}, changes
   * @param outbox the host's outbox, shown on the console's Outbox screen (never closed by the console)
   */
  public ConsoleServlet(MailboxRegistry registry, org.outmail.outbox.Outbox outbox) {
    this(new ConsoleServer(registry, ConsoleOptions.builder().withoutLogin().outbox(outbox).build(), true));
  }

  ConsoleServlet(ConsoleServer console) {
    this.console = console;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    console.handle(request, response);
  }
}
