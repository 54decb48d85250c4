package org.outmail.oauth;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.outmail.MailboxConfigException;
import org.outmail.ProxySettings;
import org.outmail.Secret;
import org.outmail.TextForm;

/**
 * The setters of {@link OAuthClient.Builder}, which is the public name hosts use; this class holds
 * what they collect. Each setter checks its argument at once (see {@link OAuthClient.Builder}).
 */
abstract class OAuthClientBuilder {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]+");

  final String name;
  OAuthProvider provider = OAuthProvider.GENERIC;
  OAuthGrant grant = OAuthGrant.CLIENT_CREDENTIALS;
  @Nullable String tenant;
  @Nullable String clientId;
  @Nullable Secret clientSecret;
  @Nullable Secret refreshToken;
  final List<String> scopes = new ArrayList<>();
  @Nullable URI authority;
  @Nullable URI tokenEndpoint;
  @Nullable URI authorizeEndpoint;
  @Nullable URI deviceEndpoint;
  @Nullable ServiceAccountKey serviceAccountKey;
  ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_POST;
  @Nullable URI issuer;
  @Nullable String proxyUrl;
  @Nullable String proxyUser;
  @Nullable Secret proxyPassword;
  @Nullable List<String> noProxy;
  @Nullable ProxySettings proxy;

  OAuthClientBuilder(String name) {
    Objects.requireNonNull(name, "name == null");
    if (!NAME.matcher(name).matches()) {
      throw new MailboxConfigException(null, "name",
          "oauth client name '" + name + "' must be letters, digits, '.', '_' or '-'");
    }
    this.name = name;
  }

  /**
   * MICROSOFT, GOOGLE or GENERIC (the default); replaces one set before.
   *
   * @param provider the provider that issues the tokens
   * @return this builder
   */
  public OAuthClient.Builder provider(OAuthProvider provider) {
    this.provider = Objects.requireNonNull(provider, "provider == null");
    return self();
  }

  /**
   * CLIENT_CREDENTIALS (the default), REFRESH_TOKEN or JWT_BEARER; replaces one set before.
   *
   * @param grant how the client obtains its tokens
   * @return this builder
   */
  public OAuthClient.Builder grant(OAuthGrant grant) {
    this.grant = Objects.requireNonNull(grant, "grant == null");
    return self();
  }

  /**
   * The Microsoft tenant (id or domain); replaces one set before.
   *
   * @param tenant the tenant id or domain
   * @return this builder
   * @throws MailboxConfigException unless letters, digits, '.', '_' or '-'
   */
  public OAuthClient.Builder tenant(String tenant) {
    Objects.requireNonNull(tenant, "tenant == null");
    if (!TENANT.matcher(tenant).matches()) {
      throw fail("tenant", "must be a tenant id or domain (letters, digits, '.', '_' or '-'), was '"
          + tenant.replaceAll("\\p{Cntrl}", "?") + "'");
    }
    this.tenant = tenant;
    return self();
  }

  /**
   * The application (client) id; replaces one set before.
   *
   * @param clientId the application (client) id
   * @return this builder
   * @throws MailboxConfigException if blank or holding whitespace or a control character
   */
  public OAuthClient.Builder clientId(String clientId) {
    Objects.requireNonNull(clientId, "clientId == null");
    if (clientId.isBlank()) {
      throw fail("client-id", "must not be blank");
    }
    if (clientId.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw fail("client-id", "must not contain whitespace or control characters");
    }
    this.clientId = clientId;
    return self();
  }

  /**
   * The client secret; replaces one set before.
   *
   * @param clientSecret the client secret
   * @return this builder
   */
  public OAuthClient.Builder clientSecret(Secret clientSecret) {
    this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret == null");
    return self();
  }

  /**
   * How the client sends its secret to the token and device authorization endpoints, as its
   * registration at the authorization server says: {@link ClientAuthentication#CLIENT_SECRET_POST}
   * (the default) or {@link ClientAuthentication#CLIENT_SECRET_BASIC}. Replaces one set before.
   *
   * @param clientAuthentication the client authentication method
   * @return this builder
   */
  public OAuthClient.Builder clientAuthentication(ClientAuthentication clientAuthentication) {
    this.clientAuthentication = Objects.requireNonNull(clientAuthentication, "clientAuthentication == null");
    return self();
  }

  /**
   * A refresh token obtained elsewhere, for the REFRESH_TOKEN grant; replaces one set before. Not
   * needed when the client is validated ({@link OAuthValidations}): the token store's token wins
   * over this one.
   *
   * @param refreshToken the refresh token
   * @return this builder
   */
  public OAuthClient.Builder refreshToken(Secret refreshToken) {
    this.refreshToken = Objects.requireNonNull(refreshToken, "refreshToken == null");
    return self();
  }

  /**
   * Adds scopes after those given before; a scope given again is kept once. Without any, the
   * transport asks for its service's default.
   *
   * @param scopes the scopes
   * @return this builder
   * @throws MailboxConfigException for a blank scope or one with whitespace (none is added then)
   */
  public OAuthClient.Builder scopes(String... scopes) {
    Objects.requireNonNull(scopes, "scopes == null");
    for (String scope : scopes) {
      Objects.requireNonNull(scope, "scope == null");
      if (scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
        throw fail("scopes", "must not be blank or contain whitespace: '" + scope + "'");
      }
    }
    for (String scope : scopes) {
      if (!this.scopes.contains(scope)) {
        this.scopes.add(scope);
      }
    }
    return self();
  }

  /**
   * The Microsoft authority, e.g. {@code https://login.microsoftonline.com/contoso.onmicrosoft.com/},
   * instead of the tenant; replaces one set before.
   *
   * @param authority the authority URL
   * @return this builder
   * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback)
   */
  public OAuthClient.Builder authority(URI authority) {
    Objects.requireNonNull(authority, "authority == null");
    checkUri("authority", authority);
    this.authority = authority;
    return self();
  }

  /**
   * The authorization server's issuer identifier, such as {@code https://idp.example.com/realms/mail}:
   * the endpoints not given explicitly are read once from its metadata ({@code
   * ISSUER/.well-known/openid-configuration}, else RFC 8414's {@code
   * https://HOST/.well-known/oauth-authorization-server/PATH}) when the client is first used, in
   * place of the provider's defaults; a validation's redirect carrying {@code iss} (RFC 9207) must
   * name it. Replaces one set before.
   *
   * @param issuer the issuer URL
   * @return this builder
   * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback),
   *     without query or fragment
   */
  public OAuthClient.Builder issuer(URI issuer) {
    Objects.requireNonNull(issuer, "issuer == null");
    checkUri("issuer", issuer);
    if (issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
      throw fail("issuer", "must have no query or fragment: " + issuer);
    }
    this.issuer = issuer;
    return self();
  }

  /**
   * The token endpoint, instead of the provider's; required for GENERIC without an issuer. Replaces one set before.
   *
   * @param tokenEndpoint the token endpoint URL
   * @return this builder
   * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback)
   */
  public OAuthClient.Builder tokenEndpoint(URI tokenEndpoint) {
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint == null");
    checkUri("token-endpoint", tokenEndpoint);
    this.tokenEndpoint = tokenEndpoint;
    return self();
  }

  /**
   * The authorization endpoint, instead of the provider's; replaces one set before.
   *
   * @param authorizeEndpoint the authorization endpoint URL
   * @return this builder
   * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback)
   */
  public OAuthClient.Builder authorizeEndpoint(URI authorizeEndpoint) {
    Objects.requireNonNull(authorizeEndpoint, "authorizeEndpoint == null");
    checkUri("authorize-endpoint", authorizeEndpoint);
    this.authorizeEndpoint = authorizeEndpoint;
    return self();
  }

  /**
   * The device authorization endpoint (RFC 8628), instead of the provider's; needed for the device
   * code flow of a GENERIC client. Replaces one set before.
   *
   * @param deviceEndpoint the device authorization endpoint
   * @return this builder
   * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback)
   */
  public OAuthClient.Builder deviceEndpoint(URI deviceEndpoint) {
    Objects.requireNonNull(deviceEndpoint, "deviceEndpoint == null");
    checkUri("device-endpoint", deviceEndpoint);
    this.deviceEndpoint = deviceEndpoint;
    return self();
  }

  /**
   * The service account's JSON key file as Google issues it (client_email, private_key in PKCS#8
   * PEM, token_uri), for the JWT_BEARER grant; read now. Replaces one set before.
   *
   * @param file the JSON key file
   * @return this builder
   * @throws MailboxConfigException if the file cannot be read or is not such a key (the message
   *     names the file, never its content)
   */
  public OAuthClient.Builder serviceAccountKey(Path file) {
    Objects.requireNonNull(file, "file == null");
    try {
      this.serviceAccountKey = ServiceAccountKey.read(file);
    } catch (IllegalArgumentException e) {
      throw fail("service-account-key", String.valueOf(e.getMessage()));
    }
    return self();
  }

  /**
   * Sends every request made for this client (token, device, metadata, validation) through an
   * HTTP proxy that tunnels with {@code CONNECT}; replaces one set before. Checked by {@link
   * OAuthClient.Builder#build()}.
   *
   * @param url {@code http://host:port}
   * @return this builder
   */
  public OAuthClient.Builder proxy(String url) {
    this.proxyUrl = Objects.requireNonNull(url, "url == null");
    return self();
  }

  /**
   * Sets the user name and password presented to the proxy (HTTP Basic); replaces those set before.
   *
   * @param user the user name
   * @param password the password
   * @return this builder
   */
  public OAuthClient.Builder proxyCredentials(String user, Secret password) {
    this.proxyUser = Objects.requireNonNull(user, "user == null");
    this.proxyPassword = Objects.requireNonNull(password, "password == null");
    return self();
  }

  /** The proxy's user alone, as a properties file or a form gives it; the password comes as a secret. */
  OAuthClient.Builder proxyUser(String user) {
    this.proxyUser = Objects.requireNonNull(user, "user == null");
    return self();
  }

  /** The proxy's password alone, as a properties file or a form gives it. */
  OAuthClient.Builder proxyPassword(Secret password) {
    this.proxyPassword = Objects.requireNonNull(password, "password == null");
    return self();
  }

  /**
   * Sets the destinations that go direct, not through the proxy: host names, {@code .domain}
   * suffixes, IP addresses; {@code none} for none. Default: {@code localhost}, {@code 127.0.0.1},
   * {@code ::1}.
   *
   * @param destinations the destinations
   * @return this builder
   */
  public OAuthClient.Builder noProxy(String... destinations) {
    this.noProxy = List.of(destinations);
    return self();
  }

  String name() {
    return name;
  }

  MailboxConfigException fail(String field, String problem) {
    return new MailboxConfigException(null, field, "oauth client '" + name + "': " + field + " " + problem);
  }

  void checkUri(String field, URI uri) {
    String scheme = uri.getScheme();
    boolean loopback = uri.getHost() != null
        && (uri.getHost().equals("127.0.0.1") || uri.getHost().equals("localhost") || uri.getHost().equals("[::1]"));
    if (!"https".equalsIgnoreCase(scheme) && !("http".equalsIgnoreCase(scheme) && loopback)) {
      throw fail(field, "must be an https URL (plain http only for loopback): " + uri);
    }
    if (uri.getHost() == null) {
      throw fail(field, "has no host: " + uri);
    }
  }

  static URI withSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? uri : URI.create(s + "/");
  }

  private OAuthClient.Builder self() {
    return (OAuthClient.Builder) this;
  }
}
