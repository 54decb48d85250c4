package org.outmail.spi;

import java.util.Objects;
import org.outmail.oauth.AccessTokens;

/**
 * What the registry gives a transport besides its mailbox: access tokens for the mailbox's OAuth
 * client. Shared by all the registry's transports.
 */
public final class TransportContext {
  private final AccessTokens accessTokens;

  private TransportContext(AccessTokens accessTokens) {
    this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens == null");
  }

  /**
   * Creates the context the registry shares with its transports.
   *
   * @param accessTokens the registry's access token cache
   * @return the context
   */
  public static TransportContext of(AccessTokens accessTokens) {
    return new TransportContext(accessTokens);
  }

  /** {@return the cached access tokens for OAuth clients} */
  public AccessTokens accessTokens() {
    return accessTokens;
  }
}
