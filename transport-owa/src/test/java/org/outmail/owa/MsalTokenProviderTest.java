package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.outmail.Secret;
import org.outmail.oauth.AccessToken;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthException;
import org.outmail.oauth.OAuthProvider;
import org.outmail.oauth.TokenStore;

/** msal4j tokens: the real msal4j code path, its HTTP taken to 127.0.0.1. */
@Timeout(60)
class MsalTokenProviderTest {
  /** The scope the owa transport asks for; the token endpoint here is the local server. */
  private static final List<String> GRAPH = List.of(GraphEndpoint.DEFAULT_SCOPE);
  private final FakeGraph graph = new FakeGraph();
  private final LoopbackMsalHttpClient http = new LoopbackMsalHttpClient(graph.port());
  private final MsalTokenProvider provider = new MsalTokenProvider(http);

  @AfterEach
  void stop() throws IOException {
    graph.close();
  }

  @Test
  void fetchesAClientCredentialsTokenFromTheAuthority() {
    AccessToken token = provider.fetch(OwaTestSupport.client(FakeGraph.SECRET), GRAPH, TokenStore.inMemory());

    assertThat(token.token().value()).isEqualTo("token-1");
    assertThat(token.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(3000));
    assertThat(http.asked).extracting(Object::toString)
        .containsExactly("https://login.test.example/contoso-test/oauth2/v2.0/token");
    String form = graph.calls().get(0).bodyText();
    assertThat(form).contains("grant_type=client_credentials").contains(
        "scope=" + java.net.URLEncoder.encode(GraphEndpoint.DEFAULT_SCOPE, java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void cachedTokensAreSharedAndARefreshAsksForANewOne() {
    AccessTokens tokens = AccessTokens.of(List.of(provider), TokenStore.inMemory());
    OAuthClient client = OwaTestSupport.client(FakeGraph.SECRET);

    for (int i = 0; i < 50; i++) {
      assertThat(tokens.get(client, GRAPH).token().value()).isEqualTo("token-1");
    }
    assertThat(tokens.refresh(client, GRAPH).token().value()).isEqualTo("token-2");
    assertThat(graph.tokenRequests()).isEqualTo(2);
  }

  @Test
  void wrongSecretGivesTheAadstsCodeWithoutTheSecret() {
    graph.tokenAnswer(FakeGraph.tokenError(401, "invalid_client",
        "AADSTS7000215: Invalid client secret provided: wrong-secret-echoed"));

    assertThatThrownBy(() -> provider.fetch(OwaTestSupport.client("wrong-secret-echoed"), GRAPH, TokenStore.inMemory()))
        .isInstanceOfSatisfying(OAuthException.class, e -> {
          assertThat(e.errorCode()).contains("AADSTS7000215");
          assertThat(e.isTransient()).isFalse();
          assertThat(e.getMessage()).doesNotContain("wrong-secret-echoed")
              .contains("Invalid client secret provided: ****");
          assertThat(e.getCause()).isNull();
        });
  }

  @Test
  void overloadedTokenEndpointIsTransient() {
    graph.tokenAnswer(
        FakeGraph.tokenError(503, "temporarily_unavailable", "AADSTS90033: A transient error has occurred."));

    assertThatThrownBy(() -> provider.fetch(OwaTestSupport.client(FakeGraph.SECRET), GRAPH, TokenStore.inMemory()))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.isTransient()).isTrue());
    assertThat(graph.tokenRequests()).as("msal4j's own retry is off").isEqualTo(1);
  }

  @Test
  void unreachableTokenEndpointIsTransient() throws IOException {
    MsalTokenProvider p = new MsalTokenProvider(new LoopbackMsalHttpClient(OwaFailureTest.closedPort()));

    assertThatThrownBy(() -> p.fetch(OwaTestSupport.client(FakeGraph.SECRET), GRAPH, TokenStore.inMemory()))
        .isInstanceOfSatisfying(OAuthException.class, e -> {
          assertThat(e.isTransient()).isTrue();
          assertThat(e.errorCode()).isEmpty();
          assertThat(e.getMessage()).contains("unreachable: ConnectException");
        });
  }

  @Test
  void supportsMicrosoftClientCredentialsClientsWithTheAuthoritysOwnTokenEndpoint() {
    assertThat(provider.supports(OwaTestSupport.client(FakeGraph.SECRET))).isTrue();
    assertThat(
        provider.supports(OAuthClient.builder("tenant-default").provider(OAuthProvider.MICROSOFT).tenant("contoso")
            .clientId("id").clientSecret(Secret.of("s")).build()))
        .isTrue();
    assertThat(provider.supports(OAuthClient.builder("override").provider(OAuthProvider.MICROSOFT).tenant("contoso")
        .clientId("id").clientSecret(Secret.of("s")).tokenEndpoint(URI.create("http://127.0.0.1:1/token")).build()))
        .isFalse();
    assertThat(provider.supports(OAuthClient.builder("google").provider(OAuthProvider.GOOGLE)
        .clientId("id").clientSecret(Secret.of("s")).build())).isFalse();
  }

  @Test
  void instanceDiscoveryOnlyForThePublicCloud() {
    assertThat(MsalTokenProvider.instanceDiscovery(URI.create("https://login.microsoftonline.com/contoso/"))).isTrue();
    assertThat(MsalTokenProvider.instanceDiscovery(URI.create("https://login.microsoftonline.us/contoso/"))).isFalse();
    assertThat(MsalTokenProvider.instanceDiscovery(OwaTestSupport.AUTHORITY)).isFalse();
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(AccessTokenProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(MsalTokenProvider.class);
  }
}
