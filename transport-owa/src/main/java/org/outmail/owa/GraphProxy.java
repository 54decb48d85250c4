package org.outmail.owa;

import java.io.IOException;
import java.net.ConnectException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;
import org.jspecify.annotations.Nullable;
import org.outmail.ProxySettings;

/**
 * A mailbox's HTTP proxy for its Graph requests ({@code owa.proxy}): okhttp's proxy authenticator,
 * which presents the user and password (HTTP Basic) to this proxy only and gives up when the proxy
 * refuses them, and what a failure at the proxy means, naming it, never its credentials.
 */
final class GraphProxy {
  private static final Pattern CONNECT_STATUS = Pattern.compile("Unexpected response code for CONNECT: (\\d{3})");

  private final ProxySettings proxy;

  GraphProxy(ProxySettings proxy) {
    this.proxy = proxy;
  }

  ProxySettings settings() {
    return proxy;
  }

  /** Answers the proxy's 407 (and okhttp's preemptive challenge) once; never a server's 401. */
  Authenticator authenticator() {
    return (Route route, Response response) -> {
      Request asked = response.request();
      if (proxy.user().isEmpty() || asked.header("Proxy-Authorization") != null) {
        return null; // no credentials, or these were refused: okhttp fails the tunnel
      }
      return asked.newBuilder().header("Proxy-Authorization",
          Credentials.basic(proxy.user().get(), proxy.password().orElseThrow().value())).build();
    };
  }

  /**
   * The failure of a request that never reached {@code host}, in the proxy's words; null when it is
   * not the proxy's.
   */
  @Nullable
  Refused explain(IOException e, String host) {
    if (proxy.bypasses(host)) {
      return null;
    }
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("Failed to authenticate with proxy")) {
      return new Refused(proxy, proxy.user().isEmpty() ? "asks for authentication (HTTP 407): set owa.proxy-user and "
          + "owa.proxy-password" : "refused owa.proxy-user and owa.proxy-password (HTTP 407)", false, e);
    }
    Matcher m = CONNECT_STATUS.matcher(message);
    if (m.find()) {
      int status = Integer.parseInt(m.group(1));
      return switch (status) {
        case 403 -> new Refused(proxy,
            "refused to connect to " + host + " (HTTP 403: not allowed by the proxy's rules)", false, e);
        case 502, 504 -> new Refused(proxy, "could not reach " + host + " (HTTP " + status + ")", true, e);
        default -> new Refused(proxy, "refused to connect to " + host + " (HTTP " + status + ")", true, e);
      };
    }
    if (e instanceof ConnectException && message.contains(proxy.host()) && message.contains(":" + proxy.port())) {
      return new Refused(proxy, "refused the connection (is it running?)", true, e);
    }
    return null;
  }

  /** A request the proxy did not carry: names the proxy, never its credentials. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    Refused(ProxySettings proxy, String what, boolean transientFailure, IOException cause) {
      super("the proxy " + proxy + " " + what, cause);
      this.transientFailure = transientFailure;
    }

    boolean isTransient() {
      return transientFailure;
    }
  }
}
