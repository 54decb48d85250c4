package org.outmail.console;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
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
 * <p>{@link #builder} adds the Outbox screen ({@link Builder#outbox}) and, for a host that checks
 * CSRF itself, the host's token ({@link Builder#hostCsrfToken}), in any combination.
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
   * The console for a host to mount behind its own authentication, with its own CSRF token and no
   * Outbox screen; {@link #builder} gives either or both.
   *
   * @param registry the registry whose mailboxes it shows and, if it follows a writable {@link
   *     MailboxStore}, changes
   */
  public ConsoleServlet(MailboxRegistry registry) {
    this(builder(registry));
  }

  private ConsoleServlet(Builder b) {
    this(new ConsoleServer(b.registry, b.options.build(), true, b.hostCsrfToken));
  }

  /**
   * A builder for the console mounted in a host: its Outbox screen, the host's CSRF token, in any
   * combination.
   *
   * <pre>{@code
   * ConsoleServlet console = ConsoleServlet.builder(registry)
   *     .outbox(outbox)                                    // the Outbox screen
   *     .hostCsrfToken(request -> {                        // Spring Security checks CSRF
   *       CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
   *       return token == null ? null : token.getToken();
   *     })
   *     .build();
   * }</pre>
   *
   * @param registry the registry whose mailboxes it shows and, if it follows a writable {@link
   *     MailboxStore}, changes
   * @return the builder
   */
  public static Builder builder(MailboxRegistry registry) {
    return new Builder(registry);
  }

  /** Builds a mounted {@link ConsoleServlet}; every setter checks its argument at once. */
  public static final class Builder {
    private final MailboxRegistry registry;
    private final ConsoleOptions.Builder options = ConsoleOptions.builder().withoutLogin();
    private @Nullable Function<HttpServletRequest, @Nullable String> hostCsrfToken;

    private Builder(MailboxRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry == null");
    }

    /**
     * Shows the outbox on the console's Outbox screen (counts by state, the mails, each mail's
     * attempts, Retry now and Cancel). The host keeps the outbox; the console never closes it.
     *
     * @param outbox the host's outbox
     * @return this builder
     */
    public Builder outbox(org.outmail.outbox.Outbox outbox) {
      options.outbox(Objects.requireNonNull(outbox, "outbox == null"));
      return this;
    }

    /**
     * For a host that checks CSRF itself, such as Spring Security (whose filter refuses a POST
     * without the session's token before it reaches the console): every form of the console, the
     * Outbox screen's Retry now and Cancel included, carries the host's token as the {@code _csrf}
     * parameter (Spring Security's default name), and the console checks no token of its own. For a
     * request without a host token ({@code hostCsrfToken} answers null) the console uses and checks
     * its own. The {@code Origin} check and everything else stay. Unset, the console always uses its
     * own token.
     *
     * @param hostCsrfToken the host's CSRF token for a request, or null when it has none
     * @return this builder
     */
    public Builder hostCsrfToken(Function<HttpServletRequest, @Nullable String> hostCsrfToken) {
      this.hostCsrfToken = Objects.requireNonNull(hostCsrfToken, "hostCsrfToken == null");
      return this;
    }

    /** How often the outbox's pages reload themselves; for tests. */
    Builder outboxRefreshSeconds(int seconds) {
      options.outboxRefreshSeconds(seconds);
      return this;
    }

    /** {@return the servlet, for the host to mount} */
    public ConsoleServlet build() {
      return new ConsoleServlet(this);
    }
  }

  ConsoleServlet(ConsoleServer console) {
    this.console = console;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    console.handle(request, response);
  }
}
