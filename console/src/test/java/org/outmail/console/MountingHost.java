package org.outmail.console;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A host application on Jetty at 127.0.0.1 that mounts the {@link ConsoleServlet} under {@code
 * /admin/mail} behind its own login: {@code /login?user=NAME} sets a cookie, and without it the
 * host answers 401 before the console. With {@code checksCsrf}, the host also checks CSRF itself,
 * the way Spring Security does: the user's host token is the request attribute {@code host.csrf},
 * and a POST whose {@code _csrf} is not it is refused with 403 and {@link #REFUSED} before it
 * reaches the console.
 */
final class MountingHost implements AutoCloseable {
  static final String REFUSED = "the host refused the CSRF token";
  static final String CSRF_ATTRIBUTE = "host.csrf";

  private final Server server;
  private final URI base;

  private MountingHost(Server server, URI base) {
    this.server = server;
    this.base = base;
  }

  /** The host's CSRF token for {@code user}. */
  static String token(String user) {
    return "host-token-of-" + user;
  }

  static MountingHost start(ConsoleServlet console, boolean checksCsrf) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Cookie c = new Cookie("host_user", req.getParameter("user"));
        c.setPath("/");
        resp.addCookie(c);
        resp.sendRedirect("/admin/mail/");
      }
    }), "/login");
    context.addFilter(new FilterHolder(new Login(checksCsrf)), "/admin/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(console), "/admin/mail/*");
    server.setHandler(context);
    server.start();
    return new MountingHost(server, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"));
  }

  /** {@return the address of {@code path} on the host} */
  String url(String path) {
    return base.resolve(path).toString();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** The host's login filter, and its CSRF check when asked for. */
  private static final class Login implements Filter {
    private final boolean checksCsrf;

    Login(boolean checksCsrf) {
      this.checksCsrf = checksCsrf;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest r = (HttpServletRequest) req;
      String user = null;
      if (r.getCookies() != null) {
        for (Cookie c : r.getCookies()) {
          if (c.getName().equals("host_user")) {
            user = c.getValue();
          }
        }
      }
      if (user == null) {
        ((HttpServletResponse) res).sendError(401, "the host's login first");
        return;
      }
      if (checksCsrf) {
        if (r.getMethod().equals("POST") && !token(user).equals(r.getParameter("_csrf"))) {
          HttpServletResponse response = (HttpServletResponse) res;
          response.setStatus(403);
          response.setContentType("text/plain;charset=utf-8");
          response.getWriter().write(REFUSED);
          return;
        }
        r.setAttribute(CSRF_ATTRIBUTE, token(user));
      }
      String name = user;
      chain.doFilter(new HttpServletRequestWrapper(r) {
        @Override
        public String getRemoteUser() {
          return name;
        }
      }, res);
    }
  }
}
