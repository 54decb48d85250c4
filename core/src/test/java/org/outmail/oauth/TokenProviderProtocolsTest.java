package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.outmail.Secret;

/**
 * A token provider found on the classpath serves only the mailboxes of the protocols it names (a
 * transport's jar never changes how another transport's mailboxes get tokens); one the host passes
 * itself serves every mailbox.
 */
class TokenProviderProtocolsTest {
  private static final List<String> SCOPES = List.of("https://mail.example/.default");
  private static final OAuthClient CLIENT = OAuthClient.builder("m365").provider(OAuthProvider.MICROSOFT)
      .tenant("contoso").clientId("id").clientSecret(Secret.of("s")).build();

  /** Hands out tokens named after itself, so a test sees who served a mailbox. */
  private record Named(String name, Set<String> protocols) implements AccessTokenProvider {
    @Override
    public boolean supports(OAuthClient client) {
      return true;
    }

    @Override
    public AccessToken fetch(OAuthClient client, List<String> scopes, TokenStore store) {
      return new AccessToken(Secret.of(name), Instant.now().plusSeconds(3600));
    }
  }

  private static String served(AccessTokens tokens) {
    return tokens.get(CLIENT, SCOPES).token().value();
  }

  @Test
  void aDiscoveredProviderOfOneTransportDoesNotServeTheMailboxesOfAnother() {
    AccessTokens tokens = new AccessTokens(List.of(),
        List.of(new Named("owa's", Set.of("owa")), new Named("built-in", Set.of())), TokenStore.inMemory(),
        Clock.systemUTC());

    assertThat(served(tokens.forProtocol("smtp"))).isEqualTo("built-in");
    assertThat(served(tokens.forProtocol("owa"))).isEqualTo("owa's");
    assertThat(served(tokens.forProtocol("OWA"))).as("protocols compare without case").isEqualTo("owa's");
    assertThat(served(tokens.forProtocol("smtp"))).as("each protocol keeps its provider's token").isEqualTo("built-in");
  }

  @Test
  void aProviderTheHostPassesServesEveryProtocol() {
    AccessTokens tokens = new AccessTokens(List.of(new Named("host's", Set.of("owa"))),
        List.of(new Named("built-in", Set.of())), TokenStore.inMemory(), Clock.systemUTC());

    assertThat(served(tokens.forProtocol("smtp"))).isEqualTo("host's");
    assertThat(served(tokens.forProtocol("owa"))).isEqualTo("host's");
  }

  @Test
  void withNoProviderForTheProtocolTheErrorNamesTheProtocolAndTheProvidersAsked() {
    AccessTokens tokens = new AccessTokens(List.of(), List.of(new Named("owa's", Set.of("owa"))),
        TokenStore.inMemory(), Clock.systemUTC());

    assertThatThrownBy(() -> served(tokens.forProtocol("smtp")))
        .isInstanceOf(OAuthException.class)
        .hasMessage("no access token provider supports OAuth client 'm365' (provider MICROSOFT, protocol smtp); "
            + "providers found: []");
  }
}
