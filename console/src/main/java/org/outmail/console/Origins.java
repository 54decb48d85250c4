package org.outmail.console;

import java.net.URI;
import java.util.Locale;

/**
 * Compares the {@code Origin} of a POST with the {@code Host} it was sent to: scheme-default ports
 * made explicit, so that {@code http://127.0.0.1:9999} is another site than {@code
 * http://127.0.0.1:8480}, and {@code https://mail.example.com} the same as {@code Host:
 * mail.example.com}.
 */
final class Origins {
  private Origins() {}

  /** {@return the host name of a {@code Host} header, without port, lower case; IPv6 in brackets} */
  static String hostName(String host) {
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
        : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a request's {@code Origin} names the site it was sent to.
   *
   * @param origin the {@code Origin} header, such as {@code http://127.0.0.1:8480}
   * @param host the {@code Host} header, such as {@code 127.0.0.1:8480}
   */
  static boolean same(String origin, String host) {
    URI o;
    try {
      o = new URI(origin);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    String scheme = o.getScheme() == null ? "" : o.getScheme().toLowerCase(Locale.ROOT);
    if ((!scheme.equals("http") && !scheme.equals("https")) || o.getHost() == null) {
      return false;
    }
    int originPort = o.getPort() >= 0 ? o.getPort() : scheme.equals("https") ? 443 : 80;
    String name = hostName(host);
    if (name.isEmpty() || !name.equals(o.getHost().toLowerCase(Locale.ROOT))) {
      return false;
    }
    String rest = host.substring(Math.min(host.length(), host.startsWith("[") ? host.indexOf(']') + 1
        : host.contains(":") ? host.indexOf(':') : host.length()));
    int hostPort;
    if (rest.startsWith(":")) {
      try {
        hostPort = Integer.parseInt(rest.substring(1));
      } catch (NumberFormatException e) {
        return false;
      }
    } else {
      // no port in Host: the default port of the scheme the browser used
      hostPort = originPort == o.getPort() ? -1 : originPort;
    }
    return originPort == hostPort;
  }
}
