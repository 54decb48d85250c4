package org.outmail.oauth;

import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.Setting;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An OAuth 2.0 client that mailboxes use to authenticate (the seed's "OAuth Client"). One client
 * can serve several mailboxes.
 *
 * <p>Microsoft's and Google's endpoints are the defaults for their providers; every endpoint can
 * be overridden.
 */
public final class OAuthClient {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
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

  private OAuthClient(Builder b, URI authority, URI tokenEndpoint, URI authorizeEndpoint) {
    this.name = b.name;
    this.provider = b.provider;
    this.grant = b.grant;
    this.tenant = b.tenant;
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.refreshToken = b.refreshToken;
    this.scopes = List.copyOf(b.scopes);
    this.authority = authority;
    this.tokenEndpoint = tokenEndpoint;
    this.authorizeEndpoint = authorizeEndpoint;
  }

  /**
   * The fields of an OAuth client, described for forms, tools and the properties loader.
   *
   * @return the descriptions of the fields, in form order
   */
  public static List<Setting> fields() {
    return OAuthClientFields.descriptions();
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

  /** {@return the client id the provider issued} */
  public String clientId() {
    return clientId;
  }

  /** {@return the client secret, required for {@link OAuthGrant#CLIENT_CREDENTIALS}} */
  public Optional<Secret> clientSecret() {
    return Optional.ofNullable(clientSecret);
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

  /** {@return the token endpoint tokens are requested from} */
  public URI tokenEndpoint() {
    return tokenEndpoint;
  }

  /**
   * {@return the authorization endpoint an administrator validates a delegated client at, if known}
   */
  public Optional<URI> authorizeEndpoint() {
    return Optional.ofNullable(authorizeEndpoint);
  }

  @Override
  public String toString() {
    return "OAuthClient{name=" + name + ", provider=" + provider + ", grant=" + grant
        + (tenant == null ? "" : ", tenant=" + tenant) + ", clientId=" + clientId
        + ", clientSecret=" + (clientSecret == null ? "none" : "****") + ", tokenEndpoint=" + tokenEndpoint + "}";
  }

  /** Builds an {@link OAuthClient}; {@link #build()} throws {@link MailboxConfigException} naming the field. */
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

    private Builder(String name) {
      Objects.requireNonNull(name, "name == null");
      if (!NAME.matcher(name).matches()) {
        throw new MailboxConfigException(null, "name",
            "oauth client name '" + name + "' must be letters, digits, '.', '_' or '-'");
      }
      this.name = name;
    }

    /**
     * Sets who issues the tokens, which decides the default endpoints; {@code GENERIC} unless set.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder provider(OAuthProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider == null");
      return this;
    }

    /**
     * Sets how the client obtains access tokens; {@code CLIENT_CREDENTIALS} unless set.
     *
     * @param grant the grant
     * @return this builder
     */
    public Builder grant(OAuthGrant grant) {
      this.grant = Objects.requireNonNull(grant, "grant == null");
      return this;
    }

    /**
     * Sets the Microsoft tenant, from which the default authority is made.
     *
     * @param tenant the tenant's id or domain
     * @return this builder
     */
    public Builder tenant(String tenant) {
      this.tenant = Objects.requireNonNull(tenant, "tenant == null");
      return this;
    }

    /**
     * Sets the client id the provider issued; required.
     *
     * @param clientId the client id
     * @return this builder
     */
    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId == null");
      return this;
    }

    /**
     * Sets the client secret; required for the client-credentials grant.
     *
     * @param clientSecret the client secret
     * @return this builder
     */
    public Builder clientSecret(Secret clientSecret) {
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret == null");
      return this;
    }

    /**
     * Sets the refresh token an administrator obtained once; required for the refresh-token grant.
     *
     * @param refreshToken the refresh token
     * @return this builder
     */
    public Builder refreshToken(Secret refreshToken) {
      this.refreshToken = Objects.requireNonNull(refreshToken, "refreshToken == null");
      return this;
    }

    /**
     * Adds scopes; without any, the transport asks for its service's default.
     *
     * @param scopes the scopes, without whitespace
     * @return this builder
     * @throws MailboxConfigException if a scope is blank or contains whitespace
     */
    public Builder scopes(String... scopes) {
      for (String scope : scopes) {
        Objects.requireNonNull(scope, "scope == null");
        if (scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
          throw fail("scopes", "must not be blank or contain whitespace: '" + scope + "'");
        }
        this.scopes.add(scope);
      }
      return this;
    }

    /**
     * The Microsoft authority, e.g. {@code
     * https://login.microsoftonline.com/contoso.onmicrosoft.com/}.
     *
     * @param authority an https URL (plain http only for loopback)
     * @return this builder
     */
    public Builder authority(URI authority) {
      this.authority = Objects.requireNonNull(authority, "authority == null");
      return this;
    }

    /**
     * Sets the token endpoint, overriding the provider's default; required for {@code GENERIC}.
     *
     * @param tokenEndpoint an https URL (plain http only for loopback)
     * @return this builder
     */
    public Builder tokenEndpoint(URI tokenEndpoint) {
      this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint == null");
      return this;
    }

    /**
     * Sets the authorization endpoint, overriding the provider's default.
     *
     * @param authorizeEndpoint an https URL (plain http only for loopback)
     * @return this builder
     */
    public Builder authorizeEndpoint(URI authorizeEndpoint) {
      this.authorizeEndpoint = Objects.requireNonNull(authorizeEndpoint, "authorizeEndpoint == null");
      return this;
    }

    /**
     * Sets a field from its text form, as a properties file or a form gives it: {@code
     * set("provider", "microsoft", System::getenv)}. Field names are those of {@link
     * OAuthClient#fields()}.
     *
     * @param field a field name, such as {@code client-id}
     * @param text the value in its text form
     * @param environment resolves {@code ${env:NAME}} in secrets
     * @return this builder
     * @throws MailboxConfigException naming the client and the field when it is unknown or the
     *     value is invalid
     */
    public Builder set(String field, String text, Function<String, String> environment) {
      Objects.requireNonNull(field, "field == null");
      Objects.requireNonNull(text, "text == null");
      Objects.requireNonNull(environment, "environment == null");
      OAuthClientFields.Field f = OAuthClientFields.field(field);
      if (f == null) {
        throw fail(field, "is not an OAuth client field; fields: " + OAuthClientFields.names());
      }
      try {
        f.applier().apply(this, f.setting().parse(text), environment);
      } catch (IllegalArgumentException e) {
        throw fail(field, e.getMessage());
      }
      return this;
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
      if (clientId == null || clientId.isBlank()) {
        throw fail("client-id", "is required");
      }
      if (grant == OAuthGrant.CLIENT_CREDENTIALS && clientSecret == null) {
        throw fail("client-secret", "is required for the client-credentials grant");
      }
      if (grant == OAuthGrant.REFRESH_TOKEN && refreshToken == null) {
        throw fail("refresh-token", "is required for the refresh-token grant");
      }
      URI auth = null;
      URI token = tokenEndpoint;
      URI authorize = authorizeEndpoint;
      switch (provider) {
        case MICROSOFT -> {
          if (authority == null && tenant == null) {
            throw fail("tenant", "is required for provider MICROSOFT (or give an authority)");
          }
          auth = authority != null ? withSlash(authority) : URI.create("https://login.microsoftonline.com/" + tenant + "/");
          checkUri("authority", auth);
          if (token == null) {
            token = auth.resolve("oauth2/v2.0/token");
          }
          if (authorize == null) {
            authorize = auth.resolve("oauth2/v2.0/authorize");
          }
        }
        case GOOGLE -> {
          if (token == null) {
            token = GOOGLE_TOKEN_ENDPOINT;
          }
          if (authorize == null) {
            authorize = GOOGLE_AUTHORIZE_ENDPOINT;
          }
        }
        case GENERIC -> {
          if (token == null) {
            throw fail("token-endpoint", "is required for provider GENERIC");
          }
        }
      }
      checkUri("token-endpoint", token);
      if (authorize != null) {
        checkUri("authorize-endpoint", authorize);
      }
      return new OAuthClient(this, auth, token, authorize);
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
