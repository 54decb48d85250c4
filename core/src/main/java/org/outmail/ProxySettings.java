package org.outmail;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A proxy that a mailbox's or an OAuth client's connections go through: a SOCKS5 proxy ({@code
 * socks5://host:port}, for SMTP) or an HTTP proxy that tunnels with {@code CONNECT} ({@code
 * http://host:port}, for HTTPS), with an optional user and password, and the destinations that go
 * direct ({@code no-proxy}: {@code localhost}, {@code 127.0.0.1} and {@code ::1} unless given).
 * Immutable; {@link #toString()} is {@code scheme://host:port}, never the credentials.
 *
 * <p>Read from four settings that a transport declares with {@link #settings}: {@code proxy},
 * {@code proxy-user}, {@code proxy-password} (secret) and {@code no-proxy}
 * ({@code org.outmail.spi.SettingValues#proxy}), or from an OAuth client's fields of those names.
 */
public final class ProxySettings {
  /** The kinds of proxy. */
  public enum Kind {
    /** SOCKS version 5 (RFC 1928), user/password authentication (RFC 1929). */
    SOCKS5("socks5"),
    /** An HTTP proxy that tunnels TLS with {@code CONNECT}, Basic authentication. */
    HTTP("http");

    private final String scheme;

    Kind(String scheme) {
      this.scheme = scheme;
    }

    /** {@return the URL scheme that names this kind} */
    public String scheme() {
      return scheme;
    }
  }

  /** The setting that names the proxy. */
  public static final String PROXY = "proxy";
  /** The user name presented to the proxy. */
  public static final String PROXY_USER = "proxy-user";
  /** The password presented to the proxy: a secret setting. */
  public static final String PROXY_PASSWORD = "proxy-password";
  /** The destinations that go direct. */
  public static final String NO_PROXY = "no-proxy";
  /** The {@code no-proxy} value that sends every destination through the proxy. */
  public static final String NONE = "none";
  /** The destinations that go direct when {@code no-proxy} is not given. */
  public static final List<String> DEFAULT_NO_PROXY = List.of("localhost", "127.0.0.1", "::1");

  /** The property that makes the JDK's HTTP clients refuse Basic authentication for HTTPS tunnels. */
  static final String TUNNELING_DISABLED = "jdk.http.auth.tunneling.disabledSchemes";

  private final Kind kind;
  private final String host;
  private final int port;
  private final @Nullable String user;
  private final @Nullable Secret password;
  private final List<String> noProxy;

  private ProxySettings(Kind kind, String host, int port, @Nullable String user, @Nullable Secret password,
      List<String> noProxy) {
    this.kind = kind;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.noProxy = List.copyOf(noProxy);
  }

  /**
   * The descriptions of the four proxy settings of a transport or a client.
   *
   * @param kind the kind of proxy the settings name
   * @param what what goes through it, for the help text ("SMTP connections")
   * @return {@code proxy}, {@code proxy-user}, {@code proxy-password} (secret), {@code no-proxy}
   */
  public static List<Setting> settings(Kind kind, String what) {
    String example = kind == Kind.SOCKS5 ? "socks5://proxy.example.com:1080" : "http://proxy.example.com:3128";
    return List.of(
        Setting.builder(PROXY, Setting.Type.TEXT)
            .help("A " + (kind == Kind.SOCKS5 ? "SOCKS5" : "HTTP (CONNECT)") + " proxy that " + what
                + " go through, such as " + example + "; none: direct.")
            .build(),
        Setting.builder(PROXY_USER, Setting.Type.TEXT).help("The user name presented to the proxy, if it asks for one.")
            .build(),
        Setting.builder(PROXY_PASSWORD, Setting.Type.SECRET)
            .help("The password presented to the proxy, with proxy-user.").build(),
        Setting.builder(NO_PROXY, Setting.Type.LIST).defaultValue(String.join(",", DEFAULT_NO_PROXY))
            .help("Destinations that go direct: host names, .domain suffixes, IP addresses; 'none' for none. "
                + "Default: localhost, 127.0.0.1, ::1.")
            .build());
  }

  /**
   * Parses and checks a proxy's settings.
   *
   * @param kind the kind of proxy expected
   * @param url {@code scheme://host:port}, or null for none
   * @param user the user name, or null
   * @param password the password, or null
   * @param noProxy the destinations that go direct ({@link #NONE} alone for none), or null for {@link
   *     #DEFAULT_NO_PROXY}
   * @param fail makes the exception for a setting's name and what is wrong with it
   * @return the proxy; empty without a URL
   * @throws RuntimeException made by {@code fail}: a bad URL (scheme, no port, credentials in
   *     it), a user without password or a password without user, credentials or a no-proxy list
   *     without a proxy
   */
  public static Optional<ProxySettings> parse(Kind kind, @Nullable String url, @Nullable String user,
      @Nullable Secret password, @Nullable List<String> noProxy,
      BiFunction<String, String, ? extends RuntimeException> fail) {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(fail, "fail == null");
    List<String> direct = noProxy == null ? DEFAULT_NO_PROXY : noProxy;
    if (url == null || url.isBlank()) {
      if (user != null) {
        throw fail.apply(PROXY, "is required with " + PROXY_USER);
      }
      if (password != null) {
        throw fail.apply(PROXY, "is required with " + PROXY_PASSWORD);
      }
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw fail.apply(PROXY, "'" + url + "' is not a proxy URL such as " + kind.scheme() + "://proxy.example.com:"
          + (kind == Kind.SOCKS5 ? 1080 : 3128));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals(kind.scheme())) {
      throw fail.apply(PROXY, "'" + url + "' must start with " + kind.scheme() + "://" + schemeHint(kind, scheme));
    }
    if (uri.getRawUserInfo() != null) {
      throw fail.apply(PROXY, "must not hold credentials; give them as " + PROXY_USER + " and " + PROXY_PASSWORD);
    }
    if (uri.getHost() == null) {
      throw fail.apply(PROXY, "'" + url + "' names no host; give " + kind.scheme() + "://host:port");
    }
    if (uri.getPort() < 1 || uri.getPort() > 65535) {
      throw fail.apply(PROXY, "'" + url + "' names no port; give " + kind.scheme() + "://" + uri.getHost() + ":PORT");
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw fail.apply(PROXY, "'" + url + "' must be " + kind.scheme() + "://host:port, without path or query");
    }
    if (user != null && password == null) {
      throw fail.apply(PROXY_PASSWORD, "is required with " + PROXY_USER + " '" + user + "'");
    }
    if (password != null && user == null) {
      throw fail.apply(PROXY_USER, "is required when " + PROXY_PASSWORD + " is set");
    }
    if (user != null && (user.isBlank() || user.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
        || (kind == Kind.HTTP && user.indexOf(':') >= 0))) {
      throw fail.apply(PROXY_USER,
          "must not be blank or hold control characters" + (kind == Kind.HTTP ? " or ':'" : ""));
    }
    if (kind == Kind.SOCKS5 && user != null && user.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw fail.apply(PROXY_USER, "is longer than the 255 bytes SOCKS5 allows (RFC 1929)");
    }
    List<String> entries = new ArrayList<>();
    for (String entry : direct) {
      String e = entry.strip().toLowerCase(Locale.ROOT);
      if (e.equals(NONE) && direct.size() == 1) {
        break;
      }
      if (e.startsWith("*.")) {
        e = e.substring(1);
      }
      if (e.startsWith("[") && e.endsWith("]")) {
        e = e.substring(1, e.length() - 1);
      }
      if (e.isEmpty() || !e.matches("\\*|[a-z0-9._:-]+")) {
        throw fail.apply(NO_PROXY, "'" + entry + "' is not a host name, .domain suffix or IP address");
      }
      entries.add(e);
    }
    String host = uri.getHost();
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return Optional.of(new ProxySettings(kind, host, uri.getPort(), user, password, entries));
  }

  private static String schemeHint(Kind kind, String given) {
    if (kind == Kind.SOCKS5 && (given.equals("http") || given.equals("https"))) {
      return " (SMTP goes through a SOCKS5 proxy; HTTP proxies are for the owa transport and OAuth clients)";
    }
    if (kind == Kind.HTTP && given.equals("https")) {
      return " (the proxy is reached in plain HTTP; the connections through it are TLS)";
    }
    if (kind == Kind.HTTP && given.startsWith("socks")) {
      return " (Graph and token requests go through an HTTP proxy; SOCKS5 is for the smtp transport)";
    }
    return "";
  }

  /** {@return the kind of proxy} */
  public Kind kind() {
    return kind;
  }

  /** {@return the proxy's host name or IP address (an IPv6 address without brackets)} */
  public String host() {
    return host;
  }

  /** {@return the proxy's port} */
  public int port() {
    return port;
  }

  /** {@return the user name presented to the proxy} */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** {@return the password presented to the proxy, with {@link #user()}} */
  public Optional<Secret> password() {
    return Optional.ofNullable(password);
  }

  /** {@return the destinations that go direct, lower case; unmodifiable} */
  public List<String> noProxy() {
    return noProxy;
  }

  /** {@return {@code host:port}, the IPv6 address in brackets: how errors name the proxy} */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Whether a destination goes direct: it is in {@link #noProxy()}, ends with a {@code .domain}
   * entry (or is that domain), or the list holds {@code *}.
   *
   * @param destination a host name or IP address (IPv6 with or without brackets)
   * @return {@code true} to connect directly
   */
  public boolean bypasses(String destination) {
    String d = destination.toLowerCase(Locale.ROOT);
    if (d.startsWith("[") && d.endsWith("]")) {
      d = d.substring(1, d.length() - 1);
    }
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    for (String e : noProxy) {
      if (e.equals("*") || e.equals(d) || (e.startsWith(".") && (d.endsWith(e) || d.equals(e.substring(1))))
          || (e.indexOf(':') >= 0 && d.indexOf(':') >= 0 && sameIpv6(e, d))) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameIpv6(String a, String b) {
    try {
      return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b)); // literals: no lookup
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends an {@link HttpClient}'s requests through this HTTP proxy, except those to {@link
   * #noProxy()} destinations, presenting the user and password to this proxy only (an
   * authenticator of the client's own, not the JVM's).
   *
   * <p>The JDK refuses Basic authentication for HTTPS tunnels unless the JVM was started with
   * {@code -Djdk.http.auth.tunneling.disabledSchemes=} (its default disables {@code Basic}); outmail
   * sets no JVM-wide property. {@link #basicTunnelingDisabled()} tells whether that is so.
   *
   * @param builder the client's builder
   * @return the builder
   * @throws IllegalStateException if this is not an HTTP proxy
   */
  public HttpClient.Builder configure(HttpClient.Builder builder) {
    builder.proxy(selector());
    if (user != null) {
      builder.authenticator(new ProxyAuthenticator(this));
    }
    return builder;
  }

  /**
   * {@return a selector that chooses this proxy for every destination except the {@link
   * #noProxy()} ones, for HTTP clients that take a {@link ProxySelector}}
   *
   * @throws IllegalStateException if this is not an HTTP proxy
   */
  public ProxySelector selector() {
    if (kind != Kind.HTTP) {
      throw new IllegalStateException("a " + kind.scheme() + " proxy cannot carry HTTP requests");
    }
    return new Selector(this);
  }

  /**
   * The proxy an {@link HttpClient} was {@linkplain #configure configured} with.
   *
   * @param http a client
   * @return its proxy; empty if it was not configured by {@link #configure}
   */
  public static Optional<ProxySettings> of(HttpClient http) {
    return http.proxy().filter(Selector.class::isInstance).map(s -> ((Selector) s).proxy);
  }

  /**
   * {@return whether this JVM's HTTP clients refuse Basic authentication to a proxy for HTTPS
   * tunnels} True unless the JVM was started with {@code -Djdk.http.auth.tunneling.disabledSchemes=}
   * (or a list without {@code Basic}).
   */
  public static boolean basicTunnelingDisabled() {
    return basicTunnelingDisabled(System.getProperty(TUNNELING_DISABLED));
  }

  static boolean basicTunnelingDisabled(String property) {
    String schemes = property == null ? "Basic" : property; // the JDK's net.properties default
    for (String s : schemes.split(",")) {
      if (s.strip().equalsIgnoreCase("basic")) {
        return true;
      }
    }
    return false;
  }

  /** {@return what to do when the JVM refuses Basic authentication for tunnels: one sentence} */
  public static String basicTunnelingHint() {
    return "the JVM refuses Basic authentication to a proxy for HTTPS tunnels (the JDK's default "
        + TUNNELING_DISABLED + "=Basic): start it with -D" + TUNNELING_DISABLED
        + "= (outmail sets no JVM-wide property)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProxySettings p && p.kind == kind && p.host.equals(host) && p.port == port
        && Objects.equals(p.user, user) && Objects.equals(p.password, password) && p.noProxy.equals(noProxy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, host, port, user, noProxy);
  }

  /** {@return {@code scheme://host:port}: never the user or the password} */
  @Override
  public String toString() {
    return kind.scheme() + "://" + address();
  }

  /** Chooses this proxy for every destination not in no-proxy. */
  private static final class Selector extends ProxySelector {
    private final ProxySettings proxy;
    private final List<Proxy> through;

    Selector(ProxySettings proxy) {
      this.proxy = proxy;
      this.through = List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.host, proxy.port)));
    }

    @Override
    public List<Proxy> select(URI uri) {
      return uri.getHost() != null && proxy.bypasses(uri.getHost()) ? List.of(Proxy.NO_PROXY) : through;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
      // the client reports the failure itself
    }
  }

  /** Answers the proxy's own authentication request only: never a server's. */
  private static final class ProxyAuthenticator extends Authenticator {
    private final ProxySettings proxy;

    ProxyAuthenticator(ProxySettings proxy) {
      this.proxy = proxy;
    }

    @Override
    protected @Nullable PasswordAuthentication getPasswordAuthentication() {
      String user = proxy.user;
      Secret password = proxy.password;
      if (getRequestorType() != RequestorType.PROXY || getRequestingPort() != proxy.port || user == null
          || password == null) {
        return null;
      }
      return new PasswordAuthentication(user, password.value().toCharArray());
    }
  }
}
