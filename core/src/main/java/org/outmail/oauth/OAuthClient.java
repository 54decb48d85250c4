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
import org.outmail.Secret;
import org.outmail.ProxySettings;
import org.outmail.TextForm;

/**
 * An OAuth 2.0 client that mailboxes use to authenticate (the seed's "OAuth Client"). One client
 * can serve several mailboxes.
 *
 * <p>Microsoft's and Google's endpoints are the defaults for their providers; every endpoint can
 * be overridden.
 */
public final class OAuthClient {
  static final URI GOOGLE_TOKEN_ENDPOINT = URI.create("https://oauth2.googleapis.com/token");
  static final URI GOOGLE_AUTHORIZE_ENDPOINT = URI.create("https://accounts.google.com/o/oauth2/v2/auth");

  private final String name;
  private final OAuthProvider provider;
  private final OAuthGrant grant;
  private final @Nullable String tenant;
  private final String clientId;
  private final @Nullable Secret clientSecret;
  private final @Nullable Secret refreshToken;
  private final List<String> scopes;
  private final @Nullable URI authority;
  private final @Nullable URI tokenEndpoint;
  private final @Nullable URI authorizeEndpoint;
  private final Map<String, String> values;
  private final @Nullable URI deviceEndpoint;
  private final @Nullable ServiceAccountKey serviceAccountKey;
  private final @Nullable String subject;
  private final ClientAuthentication clientAuthentication;
  private final @Nullable Discovery discovery;
  private final @Nullable ProxiedHttp proxied;

  private OAuthClient(OAuthClientBuilder b, String clientId, @Nullable URI authority, @Nullable URI tokenEndpoint,
      @Nullable URI authorizeEndpoint, @Nullable URI deviceEndpoint) {
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
    this.proxied = b.proxy == null ? null : new ProxiedHttp(b.proxy);
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
    if (b.proxy != null) {
      v.put("proxy", b.proxy.toString());
      b.proxy.user().ifPresent(u -> v.put("proxy-user", u));
      if (b.noProxy != null) {
        v.put("no-proxy", String.join(",", b.noProxy));
      }
    }
    this.values = Collections.unmodifiableMap(v);
  }

  private OAuthClient(OAuthClient c, @Nullable String subject) {
    this(c, subject, c.tokenEndpoint, c.authorizeEndpoint, c.deviceEndpoint);
  }

  private OAuthClient(OAuthClient c, @Nullable String subject, @Nullable URI tokenEndpoint,
      @Nullable URI authorizeEndpoint, @Nullable URI deviceEndpoint) {
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
    this.proxied = c.proxied;
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
    // resolve() gives a token endpoint or throws; without an issuer the builder required one
    return tokenEndpoint != null ? tokenEndpoint
        : Objects.requireNonNull(resolve(null).tokenEndpoint, "tokenEndpoint == null");
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
  OAuthClient resolve(java.net.http.@Nullable HttpClient http) {
    if (discovery == null) {
      return this;
    }
    Discovery.Metadata m = discovery.metadata(http);
    URI token = tokenEndpoint != null ? tokenEndpoint : m.tokenEndpoint();
    if (token == null) {
      throw new OAuthException(
          "OAuth client '" + name + "': the metadata at " + m.source() + " names no token_endpoint;"
              + " give the client's token-endpoint",
          null, false, null);
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
    // the builder requires a token endpoint or an issuer
    return tokenEndpoint != null ? tokenEndpoint.toString()
        : "issuer " + Objects.requireNonNull(discovery, "discovery == null").issuer();
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
    proxy().flatMap(ProxySettings::password).ifPresent(p -> s.put("proxy-password", p));
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
    return Optional
        .ofNullable(deviceEndpoint != null || discovery == null ? deviceEndpoint : resolve(null).deviceEndpoint);
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

  /**
   * {@return the HTTP proxy that every request made for this client goes through (token, device,
   * metadata and validation requests), with its user and password and the destinations that go
   * direct; empty for direct connections}
   */
  public Optional<ProxySettings> proxy() {
    return Optional.ofNullable(proxied).map(ProxiedHttp::proxy);
  }

  /** The HTTP client to reach this client's endpoints with: {@code base}, through the client's proxy if it has one. */
  java.net.http.HttpClient http(java.net.http.HttpClient base) {
    return proxied == null ? base : proxied.over(base);
  }

  @Nullable
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
        + (proxied == null ? "" : ", proxy=" + proxied.proxy())
        + (tokenEndpoint != null ? ", tokenEndpoint=" + tokenEndpoint
            : discovery != null ? ", issuer=" + discovery.issuer() : "")
        + "}";
  }

  /**
   * Builds an {@link OAuthClient}. Each setter checks its argument at once and throws {@link
   * MailboxConfigException} naming the client and the field; a {@code null} argument throws {@link
   * NullPointerException} naming the parameter. {@link #build()} checks what depends on the
   * provider and the grant.
   *
   * <p>Called again, a setter of one value replaces the earlier value; {@link #scopes} adds.
   */
  public static final class Builder extends OAuthClientBuilder {
    private Builder(String name) {
      super(name);
    }

    /**
     * Checks the fields and builds the client, with the provider's default endpoints where none is
     * given.
     *
     * @return the client
     * @throws MailboxConfigException naming the client and the missing or wrong field
     */
    public OAuthClient build() {
      proxy = ProxySettings.parse(ProxySettings.Kind.HTTP, proxyUrl, proxyUser, proxyPassword, noProxy, this::fail)
          .orElse(null);
      if (proxy != null && proxy.user().isPresent() && ProxySettings.basicTunnelingDisabled()) {
        throw fail("proxy-user", "cannot be presented: " + ProxySettings.basicTunnelingHint());
      }
      String id = clientId;
      if (grant == OAuthGrant.JWT_BEARER) {
        if (serviceAccountKey == null) {
          throw fail("service-account-key",
              "is required for the JWT_BEARER grant (the service account's JSON key file)");
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
          auth = authority != null ? withSlash(authority)
              : URI.create("https://login.microsoftonline.com/" + tenant + "/");
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
  }
}
