package org.outmail.oauth;

import static org.outmail.Setting.Type.CHOICE;
import static org.outmail.Setting.Type.LIST;
import static org.outmail.Setting.Type.PATH;
import static org.outmail.Setting.Type.SECRET;
import static org.outmail.Setting.Type.TEXT;
import static org.outmail.Setting.Type.URL;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.outmail.Secret;
import org.outmail.Setting;
import org.outmail.TextForm;

/** The one list of an OAuth client's fields, read by {@link OAuthClient#textForm()}. */
final class OAuthClientFields {
  private static final Map<Setting, TextForm.Applier<OAuthClient.Builder>> FIELDS = new LinkedHashMap<>();

  static {
    add(Setting.builder("provider", CHOICE).allowedValues(OAuthProvider.class).defaultValue("GENERIC")
        .help("MICROSOFT, GOOGLE or GENERIC; the first two know their endpoints."),
        (b, v, env) -> b.provider(OAuthProvider.valueOf((String) v)));
    add(Setting.builder("grant", CHOICE).allowedValues(OAuthGrant.class).defaultValue("CLIENT_CREDENTIALS")
        .help("CLIENT_CREDENTIALS (app-only), REFRESH_TOKEN (delegated, validated by an administrator) or"
            + " JWT_BEARER (Google service account)."),
        (b, v, env) -> b.grant(OAuthGrant.valueOf((String) v)));
    add(Setting.builder("tenant", TEXT).help("Microsoft: the tenant id or domain."),
        (b, v, env) -> b.tenant((String) v));
    add(Setting.builder("client-id", TEXT).required().help("The application (client) id."),
        (b, v, env) -> b.clientId((String) v));
    add(Setting.builder("client-secret", SECRET).help("The client secret: a literal, ${env:NAME} or ${file:/path}."),
        (b, v, env) -> b.clientSecret(Secret.parse((String) v, env)));
    add(Setting.builder("client-authentication", CHOICE).allowedValues(ClientAuthentication.class)
        .defaultValue("CLIENT_SECRET_POST").help("How the client sends its secret: CLIENT_SECRET_POST (in the form) or"
            + " CLIENT_SECRET_BASIC (HTTP Basic), as registered at the authorization server."),
        (b, v, env) -> b.clientAuthentication(ClientAuthentication.valueOf((String) v)));
    add(Setting.builder("refresh-token", SECRET).help("A refresh token obtained elsewhere, for the REFRESH_TOKEN grant;"
        + " not needed once the client is validated."),
        (b, v, env) -> b.refreshToken(Secret.parse((String) v, env)));
    add(Setting.builder("scopes", LIST).help("Scopes to ask for; the transport's default when none."),
        (b, v, env) -> b
            .scopes(((List<?>) v).stream().map(String::valueOf).flatMap(s -> List.of(s.split("\\s+")).stream())
                .toArray(String[]::new)));
    add(Setting.builder("issuer", URL).help("The authorization server's issuer: endpoints not given are read from its"
        + " /.well-known/openid-configuration (or oauth-authorization-server) metadata."),
        (b, v, env) -> b.issuer((URI) v));
    add(Setting.builder("authority", URL).help("Microsoft: the authority URL, instead of the tenant."),
        (b, v, env) -> b.authority((URI) v));
    add(Setting.builder("token-endpoint", URL).help("The token endpoint; required for GENERIC without an issuer."),
        (b, v, env) -> b.tokenEndpoint((URI) v));
    add(Setting.builder("authorize-endpoint", URL).help("The authorization endpoint, for delegated sign-in."),
        (b, v, env) -> b.authorizeEndpoint((URI) v));
    add(Setting.builder("device-endpoint", URL).help("The device authorization endpoint, for the device code flow."),
        (b, v, env) -> b.deviceEndpoint((URI) v));
    add(Setting.builder("service-account-key", PATH).help("JWT_BEARER: the Google service account's JSON key file."),
        (b, v, env) -> b.serviceAccountKey(Path.of((String) v)));
    add(Setting.builder("proxy", TEXT).help("An HTTP proxy (CONNECT) that the client's token, device, metadata and"
        + " validation requests go through, such as http://proxy.example.com:3128; none: direct."),
        (b, v, env) -> b.proxy((String) v));
    add(Setting.builder("proxy-user", TEXT)
        .help("The user name presented to the proxy (HTTP Basic), with proxy-password."),
        (b, v, env) -> b.proxyUser((String) v));
    add(Setting.builder("proxy-password", SECRET).help("The password presented to the proxy, with proxy-user."),
        (b, v, env) -> b.proxyPassword(Secret.parse((String) v, env)));
    add(Setting.builder("no-proxy", LIST)
        .help("Destinations that go direct: host names, .domain suffixes, IP addresses;"
            + " 'none' for none. Default: localhost, 127.0.0.1, ::1."),
        (b, v, env) -> b.noProxy(((List<?>) v).stream().map(String::valueOf).toArray(String[]::new)));
  }

  /** The text form of OAuth clients, as {@link OAuthClient#textForm()} gives it. */
  static final TextForm<OAuthClient, OAuthClient.Builder> FORM = TextForm.of("OAuth client", "name",
      OAuthClient::builder, OAuthClient.Builder::name, OAuthClient.Builder::build, OAuthClient::values,
      OAuthClient::secrets, FIELDS, secretFields());

  private static Map<String, java.util.function.BiConsumer<OAuthClient.Builder, Secret>> secretFields() {
    Map<String, java.util.function.BiConsumer<OAuthClient.Builder, Secret>> s = new LinkedHashMap<>();
    s.put("client-secret", OAuthClient.Builder::clientSecret);
    s.put("refresh-token", OAuthClient.Builder::refreshToken);
    s.put("proxy-password", OAuthClient.Builder::proxyPassword);
    return s;
  }

  private OAuthClientFields() {}

  private static void add(Setting.Builder setting, TextForm.Applier<OAuthClient.Builder> applier) {
    FIELDS.put(setting.build(), applier);
  }
}
