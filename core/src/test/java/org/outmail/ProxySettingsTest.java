package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.outmail.Secret;
import org.outmail.ProxySettings.Kind;

class ProxySettingsTest {
  private static Optional<ProxySettings> parse(Kind kind, String url, String user, String password,
      List<String> noProxy) {
    return ProxySettings.parse(kind, url, user, password == null ? null : Secret.of(password), noProxy,
        (key, problem) -> new IllegalArgumentException(key + " " + problem));
  }

  private static ProxySettings socks(String url) {
    return parse(Kind.SOCKS5, url, null, null, null).orElseThrow();
  }

  @Test
  void readsHostPortAndCredentialsAndPrintsNeitherUserNorPassword() {
    ProxySettings p = parse(Kind.HTTP, "http://proxy.example.com:3128/", "svc-proxy", "Pr0xy-secret", null)
        .orElseThrow();

    assertThat(p.host()).isEqualTo("proxy.example.com");
    assertThat(p.port()).isEqualTo(3128);
    assertThat(p.user()).contains("svc-proxy");
    assertThat(p.password().map(Secret::value)).contains("Pr0xy-secret");
    assertThat(p.toString()).isEqualTo("http://proxy.example.com:3128");
    assertThat(p.noProxy()).containsExactly("localhost", "127.0.0.1", "::1");
  }

  @Test
  void anIpv6ProxyIsNamedInBrackets() {
    ProxySettings p = socks("socks5://[2001:db8::1]:1080");
    assertThat(p.host()).isEqualTo("2001:db8::1");
    assertThat(p.toString()).isEqualTo("socks5://[2001:db8::1]:1080");
  }

  @Test
  void noProxyAndNoCredentialsIsNoProxy() {
    assertThat(parse(Kind.SOCKS5, null, null, null, null)).isEmpty();
    assertThat(parse(Kind.SOCKS5, " ", null, null, null)).isEmpty();
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> socks("http://proxy:3128"))
        .hasMessage("proxy 'http://proxy:3128' must start with socks5:// "
            + "(SMTP goes through a SOCKS5 proxy; HTTP proxies are for the owa transport and OAuth clients)");
    assertThatThrownBy(() -> parse(Kind.HTTP, "https://proxy:3128", null, null, null))
        .hasMessage("proxy 'https://proxy:3128'"
            + " must start with http:// (the proxy is reached in plain HTTP; the connections through it are TLS)");
    assertThatThrownBy(() -> socks("socks5://proxy"))
        .hasMessage("proxy 'socks5://proxy' names no port; give socks5://proxy:PORT");
    assertThatThrownBy(() -> socks("socks5://proxy:0"))
        .hasMessage("proxy 'socks5://proxy:0' names no port; give socks5://proxy:PORT");
    assertThatThrownBy(() -> socks("proxy:1080")).hasMessage("proxy 'proxy:1080' must start with socks5://");
    assertThatThrownBy(() -> socks("socks5://u:pw@proxy:1080"))
        .hasMessage("proxy must not hold credentials; give them as proxy-user and proxy-password");
    assertThatThrownBy(() -> socks("socks5://proxy:1080/x")).hasMessage("proxy 'socks5://proxy:1080/x' must be "
        + "socks5://host:port, without path or query");
    assertThatThrownBy(() -> parse(Kind.SOCKS5, "socks5://proxy:1080", "u", null, null))
        .hasMessage("proxy-password is required with proxy-user 'u'");
    assertThatThrownBy(() -> parse(Kind.SOCKS5, "socks5://proxy:1080", null, "pw", null))
        .hasMessage("proxy-user is required when proxy-password is set");
    assertThatThrownBy(() -> parse(Kind.SOCKS5, null, "u", "pw", null)).hasMessage("proxy is required with proxy-user");
    assertThatThrownBy(() -> parse(Kind.HTTP, "http://proxy:3128", "a:b", "pw", null))
        .hasMessage("proxy-user must not be blank or hold control characters or ':'");
    assertThatThrownBy(() -> parse(Kind.SOCKS5, "socks5://proxy:1080", "u".repeat(256), "pw", null))
        .hasMessage("proxy-user is longer than the 255 bytes SOCKS5 allows (RFC 1929)");
    assertThatThrownBy(() -> parse(Kind.SOCKS5, "socks5://proxy:1080", null, null, List.of("bad host")))
        .hasMessage("no-proxy 'bad host' is not a host name, .domain suffix or IP address");
  }

  @Test
  void noProxyMatchesNamesSuffixesAndAddresses() {
    ProxySettings p = parse(Kind.HTTP, "http://proxy:3128", null, null,
        List.of("localhost", ".corp.example", "*.intra.example", "10.0.0.1", "[::1]")).orElseThrow();

    assertThat(p.bypasses("LOCALHOST")).isTrue();
    assertThat(p.bypasses("mail.corp.example")).isTrue();
    assertThat(p.bypasses("corp.example")).isTrue();
    assertThat(p.bypasses("a.intra.example")).isTrue();
    assertThat(p.bypasses("10.0.0.1")).isTrue();
    assertThat(p.bypasses("[0:0:0:0:0:0:0:1]")).isTrue();
    assertThat(p.bypasses("::1")).isTrue();
    assertThat(p.bypasses("evilcorp.example")).isFalse();
    assertThat(p.bypasses("graph.example.net")).isFalse();
    assertThat(p.bypasses("10.0.0.10")).isFalse();
  }

  @Test
  void noneSendsEveryDestinationThroughTheProxyAndStarNone() {
    assertThat(parse(Kind.HTTP, "http://proxy:3128", null, null, List.of("none")).orElseThrow().bypasses("127.0.0.1"))
        .isFalse();
    assertThat(parse(Kind.HTTP, "http://proxy:3128", null, null, List.of("*")).orElseThrow().bypasses("example.com"))
        .isTrue();
    assertThat(socks("socks5://proxy:1080").bypasses("127.0.0.1")).isTrue();
  }

  @Test
  void theJdksDefaultRefusesBasicForTunnelsAndAnEmptyListAllowsIt() {
    assertThat(ProxySettings.basicTunnelingDisabled(null)).isTrue();
    assertThat(ProxySettings.basicTunnelingDisabled("Digest, basic")).isTrue();
    assertThat(ProxySettings.basicTunnelingDisabled("")).isFalse();
    assertThat(ProxySettings.basicTunnelingDisabled("Digest")).isFalse();
  }

  @Test
  void aSocksProxyCannotCarryHttp() {
    assertThatThrownBy(() -> socks("socks5://proxy:1080").configure(java.net.http.HttpClient.newBuilder()))
        .isInstanceOf(IllegalStateException.class);
  }
}
