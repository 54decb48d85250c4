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
import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.TextForm;

/**
 * An OAuth 2.0 client that mailboxes use to authenticate (the seed's "OAuth Client"). One client
 * can serve several mailboxes.
 *
 * <p>Microsoft's and Google's endpoints are the defaults for their providers; every endpoint can
 * be overridden.
 */
public final class OAuthClient {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]+");
  static final URI GOOGLE_TOKEN_ENDPOINT = URI.create("https://oauth2.googleapis.com/token");
  static final URI GOOGLE_AUTHORIZE_ENDPOINT = URI.create("https://accounts.google.com/o/oauth2/v2/auth");

  private final String name;
  private final OAuthProvider provider;
  private final OAuthGrant grant;
  private final String tenant;
  private final String clientId;
  private final Secret clientSecret;
  private final Secret refreshToken;
  private final List<String> scopes;
  private final URI authority;
  private final URI tokenEndpoint;
  private final URI authorizeEndpoint;
  private final Map<String, String> values;
  private final URI deviceEndpoint;
  private final ServiceAccountKey serviceAccountKey;
  private final String subject;
  private final ClientAuthentication clientAuthentication;
  private final Discovery discovery;

  private OAuthClient(Builder b, String clientId, URI authority, URI tokenEndpoint, URI authorizeEndpoint,
      URI deviceEndpoint) {
    this.name = b.name;
    this.provider = b.provider;
    this.grant = b.grant;
    this.tenant = b.tenant;
    this.clientId = clientId;
    this.clientSecret = b.clientSecret;
    this.refreshToken = b.refreshToken;
    this.scopes = List.copyOf(b.scopes);
    this.authority = authority;
    this.tokenEndpoint = tokenEndpoint;
    this.authorizeEndpoint = authorizeEndpoint;
    this.deviceEndpoint = deviceEndpoint;
    this.serviceAccountKey = b.serviceAccountKey;
    this.subject = null;
    this.clientAuthentication = b.clientAuthentication;
    this.discovery = b.issuer == null ? null : new Discovery(b.name, b.issuer);
    Map<String, String> v = new LinkedHashMap<>();
    v.put("provider", b.provider.name());
    v.put("grant", b.grant.name());
    if (b.tenant != null) {
      v.put("tenant", b.tenant);
    }
    if (b.clientId != null) {
      v.put("client-id", b.clientId);
    }
    if (b.clientAuthentication != ClientAuthentication.CLIENT_SECRET_POST) {
      v.put("client-authentication", b.clientAuthentication.name());
    }
    if (!b.scopes.isEmpty()) {
      v.put("scopes", String.join(",", b.scopes));
    }
    if (b.issuer != null) {
      v.put("issuer", b.issuer.toString());
    }
    if (b.authority != null) {
      v.put("authority", b.authority.toString());
    }
    if (b.tokenEndpoint != null) {
      v.put("token-endpoint", b.tokenEndpoint.toString());
    }
    if (b.authorizeEndpoint != null) {
      v.put("authorize-endpoint", b.authorizeEndpoint.toString());
    }
    if (b.deviceEndpoint != null) {
      v.put("device-endpoint", b.deviceEndpoint.toString());
    }
    if (b.serviceAccountKey != null) {
      v.put("service-account-key", b.serviceAccountKey.file().toString());
    }
    this.values = Collections.unmodifiableMap(v);
  }

  private OAuthClient(OAuthClient c, String subject) {
    this(c, subject, c.tokenEndpoint, c.authorizeEndpoint, c.deviceEndpoint);
  }

  private OAuthClient(OAuthClient c, String subject, URI tokenEndpoint, URI authorizeEndpoint, URI deviceEndpoint) {
    this.name = c.name;
    this.provider = c.provider;
    this.grant = c.grant;
    this.tenant = c.tenant;
    this.clientId = c.clientId;
    this.clientSecret = c.clientSecret;
    this.refreshToken = c.refreshToken;
    this.scopes = c.scopes;
    this.authority = c.authority;
    this.tokenEndpoint = tokenEndpoint;
    this.authorizeEndpoint = authorizeEndpoint;
    this.deviceEndpoint = deviceEndpoint;
    this.serviceAccountKey = c.serviceAccountKey;
    this.subject = subject;
    this.clientAuthentication = c.clientAuthentication;
    this.discovery = c.discovery;
    this.values = c.values;
  }

  /**
   * The text form of OAuth clients: their fields described for forms, tools and the properties
   * loader, a client as text and back ({@code values}: the fields in their text form, secrets left
   * out, an endpoint only when it was given, not when it is the provider's default; {@code
   * secrets}: {@code client-secret} and {@code refresh-token}), and a form checked field by field,
   * the client's name under {@code name}.
   *
   * @return the text form of OAuth clients
   */
  public static TextForm<OAuthClient, Builder> textForm() {
    return OAuthClientFields.FORM;
  }

  /**
   * Starts a client with the name mailboxes use to refer to it.
   *
   * @param name letters, digits, {@code .}, {@code _} or {@code -}
   * @return a builder for a {@code GENERIC} client with the client-credentials grant, until its
   *     setters say otherwise
   * @throws MailboxConfigException if the name is not of that form
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** {@return the name mailboxes use to refer to this client} */
  public String name() {
    return name;
  }

  /** {@return who issues this client's tokens} */
  public OAuthProvider provider() {
    return provider;
  }

  /** {@return how this client obtains access tokens} */
  public OAuthGrant grant() {
    return grant;
  }

  /** {@return the Microsoft tenant (id or domain), if any} */
  public Optional<String> tenant() {
    return Optional.ofNullable(tenant);
  }

  /**
   * {@return the client id the provider issued; for {@link OAuthGrant#JWT_BEARER}, the service
   * account's client id from its key file unless one is given}
   */
  public String clientId() {
    return clientId;
  }

  /** {@return the client secret, required for {@link OAuthGrant#CLIENT_CREDENTIALS}} */
  public Optional<Secret> clientSecret() {
    return Optional.ofNullable(clientSecret);
  }

  /**
   * {@return how the client sends its secret to the token and device authorization endpoints:
   * {@link ClientAuthentication#CLIENT_SECRET_POST} unless configured otherwise}
   */
  public ClientAuthentication clientAuthentication() {
    return clientAuthentication;
  }

  /**
   * {@return the refresh token an administrator obtained once, for {@link
   * OAuthGrant#REFRESH_TOKEN}}
   */
  public Optional<Secret> refreshToken() {
    return Optional.ofNullable(refreshToken);
  }

  /** {@return the scopes configured; empty means the transport's default for its service} */
  public List<String> scopes() {
    return scopes;
  }

  /**
   * {@return the Microsoft authority ({@code https://login.microsoftonline.com/{tenant}/} by
   * default); empty for other providers}
   */
  public Optional<URI> authority() {
    return Optional.ofNullable(authority);
  }

  /**
   * {@return the token endpoint tokens are requested from; for a client with an {@link #issuer()}
   * and no token endpoint of its own, the one its metadata names}
   *
   * @throws OAuthException if the issuer's metadata is needed and cannot be read
   */
  public URI tokenEndpoint() {
    return tokenEndpoint != null ? tokenEndpoint : resolve(null).tokenEndpoint;
  }

  /**
   * {@return the authorization endpoint an administrator validates a delegated client at, if known;
   * for a client with an {@link #issuer()} and none of its own, the one its metadata names}
   *
   * @throws OAuthException if the issuer's metadata is needed and cannot be read
   */
  public Optional<URI> authorizeEndpoint() {
    return Optional.ofNullable(authorizeEndpoint != null || discovery == null ? authorizeEndpoint
        : resolve(null).authorizeEndpoint);
  }

  /**
   * {@return the authorization server's issuer identifier, if configured: its endpoints not given
   * explicitly are read from its metadata ({@code ISSUER/.well-known/openid-configuration}, else RFC
   * 8414's {@code oauth-authorization-server}) on first use, and the {@code iss} of a validation's
   * redirect (RFC 9207) must match it}
   */
  public Optional<URI> issuer() {
    return Optional.ofNullable(discovery).map(Discovery::issuer);
  }

  /**
   * This client with the endpoints its issuer's metadata names where it has none of its own, the
   * metadata read with {@code http} (once per client); this client itself when it has no issuer.
   *
   * @param http the HTTP client to read the metadata with (the mailbox's trust store); null for a
   *     default one
   * @throws OAuthException naming the client and the URL when the metadata cannot be read or has no
   *     token endpoint
   */
  OAuthClient resolve(java.net.http.HttpClient http) {
    if (discovery == null) {
      return this;
    }
    Discovery.Metadata m = discovery.metadata(http);
    URI token = tokenEndpoint != null ? tokenEndpoint : m.tokenEndpoint();
    if (token == null) {
      throw new OAuthException("OAuth client '" + name + "': the metadata at " + m.source() + " names no token_endpoint;"
          + " give the client's token-endpoint", null, false, null);
    }
    return new OAuthClient(this, subject, token, authorizeEndpoint != null ? authorizeEndpoint : m.authorizeEndpoint(),
        deviceEndpoint != null ? deviceEndpoint : m.deviceEndpoint());
  }

  /** The issuer's metadata as read by {@link #resolve}, if the client has an issuer. */
  Optional<Discovery.Metadata> metadata() {
    return Optional.ofNullable(discovery).map(d -> d.metadata(null));
  }

  /** What names the token endpoint without reading metadata: the endpoint, else the issuer. */
  String tokenEndpointKey() {
    return tokenEndpoint != null ? tokenEndpoint.toString() : "issuer " + discovery.issuer();
  }

  /** The fields of this client in their text form, secrets left out (the text form's values). */
  Map<String, String> values() {
    return values;
  }

  /** The secret fields that are set (the text form's secrets). */
  Map<String, Secret> secrets() {
    Map<String, Secret> s = new LinkedHashMap<>();
    if (clientSecret != null) {
      s.put("client-secret", clientSecret);
    }
    if (refreshToken != null) {
      s.put("refresh-token", refreshToken);
    }
    return Collections.unmodifiableMap(s);
  }

  /**
   * {@return the device authorization endpoint (RFC 8628) of the device code flow, if known:
   * Microsoft's by default, a {@code GENERIC} client's when given or named by its issuer's metadata;
   * never Google's by default, whose device flow does not grant the Gmail scope}
   *
   * @throws OAuthException if the issuer's metadata is needed and cannot be read
   */
  public Optional<URI> deviceEndpoint() {
    return Optional.ofNullable(deviceEndpoint != null || discovery == null ? deviceEndpoint : resolve(null).deviceEndpoint);
  }

  /** {@return the service account's key file, for {@link OAuthGrant#JWT_BEARER}} */
  public Optional<Path> serviceAccountKey() {
    return Optional.ofNullable(serviceAccountKey).map(ServiceAccountKey::file);
  }

  /**
   * {@return the user tokens are asked for, for {@link OAuthGrant#JWT_BEARER}: set by {@link
   * #withSubject}; empty on a client as configured}
   */
  public Optional<String> subject() {
    return Optional.ofNullable(subject);
  }

  /**
   * This client acting for one user: the JWT-bearer grant asks tokens for this subject (domain-wide
   * delegation), and {@link AccessTokens} caches them per subject. A transport calls it with its
   * mailbox's user; the other grants ignore the subject.
   *
   * @param subject the user's address, such as {@code support@example.com}
   * @return a client equal to this one but for the subject
   * @throws IllegalArgumentException if the subject is blank or holds whitespace
   */
  public OAuthClient withSubject(String subject) {
    Objects.requireNonNull(subject, "subject == null");
    if (subject.isBlank() || subject.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException("subject must not be blank or contain whitespace");
    }
    return new OAuthClient(this, subject);
  }

  ServiceAccountKey serviceAccount() {
    return serviceAccountKey;
  }

  @Override
  public String toString() {
    return "OAuthClient{name=" + name + ", provider=" + provider + ", grant=" + grant
        + (tenant == null ? "" : ", tenant=" + tenant) + ", clientId=" + clientId
        + ", clientSecret=" + (clientSecret == null ? "none" : "****")
        + (serviceAccountKey == null ? "" : ", serviceAccountKey=" + serviceAccountKey.file())
        + (subject == null ? "" : ", subject=" + subject)
        + (tokenEndpoint != null ? ", tokenEndpoint=" + tokenEndpoint : ", issuer=" + discovery.issuer()) + "}";
  }

  /**
   * Builds an {@link OAuthClient}. Each setter checks its argument at once and throws {@link
   * MailboxConfigException} naming the client and the field; a {@code null} argument throws {@link
   * NullPointerException} naming the parameter. {@link #build()} checks what depends on the
   * provider and the grant.
   *
   * <p>Called again, a setter of one value replaces the earlier value; {@link #scopes} adds.
   */
  public static final class Builder {
    private final String name;
    private OAuthProvider provider = OAuthProvider.GENERIC;
    private OAuthGrant grant = OAuthGrant.CLIENT_CREDENTIALS;
    private String tenant;
    private String clientId;
    private Secret clientSecret;
    private Secret refreshToken;
    private final List<String> scopes = new ArrayList<>();
    private URI authority;
    private URI tokenEndpoint;
    private URI authorizeEndpoint;
    private URI deviceEndpoint;
    private ServiceAccountKey serviceAccountKey;
    private ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_POST;
    private URI issuer;

    private Builder(String name) {
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
    public Builder provider(OAuthProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider == null");
      return this;
    }

    /**
     * CLIENT_CREDENTIALS (the default), REFRESH_TOKEN or JWT_BEARER; replaces one set before.
     *
     * @param grant how the client obtains its tokens
     * @return this builder
     */
    public Builder grant(OAuthGrant grant) {
      this.grant = Objects.requireNonNull(grant, "grant == null");
      return this;
    }

    /**
     * The Microsoft tenant (id or domain); replaces one set before.
     *
     * @param tenant the tenant id or domain
     * @return this builder
     * @throws MailboxConfigException unless letters, digits, '.', '_' or '-'
     */
    public Builder tenant(String tenant) {
      Objects.requireNonNull(tenant, "tenant == null");
      if (!TENANT.matcher(tenant).matches()) {
        throw fail("tenant", "must be a tenant id or domain (letters, digits, '.', '_' or '-'), was '"
            + tenant.replaceAll("\\p{Cntrl}", "?") + "'");
      }
      this.tenant = tenant;
      return this;
    }

    /**
     * The application (client) id; replaces one set before.
     *
     * @param clientId the application (client) id
     * @return this builder
     * @throws MailboxConfigException if blank or holding whitespace or a control character
     */
    public Builder clientId(String clientId) {
      Objects.requireNonNull(clientId, "clientId == null");
      if (clientId.isBlank()) {
        throw fail("client-id", "must not be blank");
      }
      if (clientId.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
        throw fail("client-id", "must not contain whitespace or control characters");
      }
      this.clientId = clientId;
      return this;
    }

    /**
     * The client secret; replaces one set before.
     *
     * @param clientSecret the client secret
     * @return this builder
     */
    public Builder clientSecret(Secret clientSecret) {
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret == null");
      return this;
    }

    /**
     * How the client sends its secret to the token and device authorization endpoints, as its
     * registration at the authorization server says: {@link ClientAuthentication#CLIENT_SECRET_POST}
     * (the default) or {@link ClientAuthentication#CLIENT_SECRET_BASIC}. Replaces one set before.
     *
     * @param clientAuthentication the client authentication method
     * @return this builder
     */
    public Builder clientAuthentication(ClientAuthentication clientAuthentication) {
      this.clientAuthentication = Objects.requireNonNull(clientAuthentication, "clientAuthentication == null");
      return this;
    }

    /**
     * A refresh token obtained elsewhere, for the REFRESH_TOKEN grant; replaces one set before. Not
     * needed when the client is validated ({@link OAuthValidations}): the token store's token wins
     * over this one.
     *
     * @param refreshToken the refresh token
     * @return this builder
     */
    public Builder refreshToken(Secret refreshToken) {
      this.refreshToken = Objects.requireNonNull(refreshToken, "refreshToken == null");
      return this;
    }

    /**
     * Adds scopes after those given before; a scope given again is kept once. Without any, the
     * transport asks for its service's default.
     *
     * @param scopes the scopes
     * @return this builder
     * @throws MailboxConfigException for a blank scope or one with whitespace (none is added then)
     */
    public Builder scopes(String... scopes) {
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
      return this;
    }

    /**
     * The Microsoft authority, e.g. {@code https://login.microsoftonline.com/contoso.onmicrosoft.com/},
     * instead of the tenant; replaces one set before.
     *
     * @param authority the authority URL
     * @return this builder
     * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback)
     */
    public Builder authority(URI authority) {
      Objects.requireNonNull(authority, "authority == null");
      checkUri("authority", authority);
      this.authority = authority;
      return this;
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
    public Builder issuer(URI issuer) {
      Objects.requireNonNull(issuer, "issuer == null");
      checkUri("issuer", issuer);
      if (issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
        throw fail("issuer", "must have no query or fragment: " + issuer);
      }
      this.issuer = issuer;
      return this;
    }

    /**
     * The token endpoint, instead of the provider's; required for GENERIC without an issuer. Replaces one set before.
     *
     * @param tokenEndpoint the token endpoint URL
     * @return this builder
     * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback)
     */
    public Builder tokenEndpoint(URI tokenEndpoint) {
      Objects.requireNonNull(tokenEndpoint, "tokenEndpoint == null");
      checkUri("token-endpoint", tokenEndpoint);
      this.tokenEndpoint = tokenEndpoint;
      return this;
    }

    /**
     * The authorization endpoint, instead of the provider's; replaces one set before.
     *
     * @param authorizeEndpoint the authorization endpoint URL
     * @return this builder
     * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback)
     */
    public Builder authorizeEndpoint(URI authorizeEndpoint) {
      Objects.requireNonNull(authorizeEndpoint, "authorizeEndpoint == null");
      checkUri("authorize-endpoint", authorizeEndpoint);
      this.authorizeEndpoint = authorizeEndpoint;
      return this;
    }

    /**
     * The device authorization endpoint (RFC 8628), instead of the provider's; needed for the device
     * code flow of a GENERIC client. Replaces one set before.
     *
     * @param deviceEndpoint the device authorization endpoint
     * @return this builder
     * @throws MailboxConfigException unless an https URL with a host (plain http only for loopback)
     */
    public Builder deviceEndpoint(URI deviceEndpoint) {
      Objects.requireNonNull(deviceEndpoint, "deviceEndpoint == null");
      checkUri("device-endpoint", deviceEndpoint);
      this.deviceEndpoint = deviceEndpoint;
      return this;
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
    public Builder serviceAccountKey(Path file) {
      Objects.requireNonNull(file, "file == null");
      try {
        this.serviceAccountKey = ServiceAccountKey.read(file);
      } catch (IllegalArgumentException e) {
        throw fail("service-account-key", e.getMessage());
      }
      return this;
    }

    String name() {
      return name;
    }

    private MailboxConfigException fail(String field, String problem) {
      return new MailboxConfigException(null, field, "oauth client '" + name + "': " + field + " " + problem);
    }

    /**
     * Checks the fields and builds the client, with the provider's default endpoints where none is
     * given.
     *
     * @return the client
     * @throws MailboxConfigException naming the client and the missing or wrong field
     */
    public OAuthClient build() {
      String id = clientId;
      if (grant == OAuthGrant.JWT_BEARER) {
        if (serviceAccountKey == null) {
          throw fail("service-account-key", "is required for the JWT_BEARER grant (the service account's JSON key file)");
        }
        if (provider == OAuthProvider.MICROSOFT) {
          throw fail("grant", "JWT_BEARER is for Google Workspace service accounts (provider GOOGLE or GENERIC),"
              + " not MICROSOFT: use CLIENT_CREDENTIALS for app-only Microsoft 365");
        }
        if (id == null) {
          id = serviceAccountKey.clientId();
        }
      }
      if (id == null || id.isBlank()) {
        throw fail("client-id", "is required");
      }
      if (grant == OAuthGrant.CLIENT_CREDENTIALS && clientSecret == null) {
        throw fail("client-secret", "is required for the client-credentials grant");
      }
      URI auth = null;
      URI token = tokenEndpoint;
      URI authorize = authorizeEndpoint;
      URI device = deviceEndpoint;
      if (token == null && serviceAccountKey != null && grant == OAuthGrant.JWT_BEARER
          && serviceAccountKey.tokenUri() != null) {
        token = serviceAccountKey.tokenUri();
      }
      switch (provider) {
        case MICROSOFT -> {
          if (authority == null && tenant == null) {
            throw fail("tenant", "is required for provider MICROSOFT (or give an authority)");
          }
          auth = authority != null ? withSlash(authority) : URI.create("https://login.microsoftonline.com/" + tenant + "/");
          checkUri("authority", auth);
          if (issuer != null) {
            break;
          }
          if (token == null) {
            token = auth.resolve("oauth2/v2.0/token");
          }
          if (authorize == null) {
            authorize = auth.resolve("oauth2/v2.0/authorize");
          }
          if (device == null) {
            device = auth.resolve("oauth2/v2.0/devicecode");
          }
        }
        case GOOGLE -> {
          if (issuer != null) {
            break;
          }
          if (token == null) {
            token = GOOGLE_TOKEN_ENDPOINT;
          }
          if (authorize == null) {
            authorize = GOOGLE_AUTHORIZE_ENDPOINT;
          }
        }
        case GENERIC -> {
          if (token == null && issuer == null) {
            throw fail("token-endpoint", "is required for provider GENERIC (or give the issuer)");
          }
        }
      }
      if (token != null) {
        checkUri("token-endpoint", token);
      }
      if (authorize != null) {
        checkUri("authorize-endpoint", authorize);
      }
      return new OAuthClient(this, id, auth, token, authorize, device);
    }

    private void checkUri(String field, URI uri) {
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

    private static URI withSlash(URI uri) {
      String s = uri.toString();
      return s.endsWith("/") ? uri : URI.create(s + "/");
    }
  }
}
