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

  public static TransportContext of(AccessTokens accessTokens) {
    return new TransportContext(accessTokens);
  }

  /** Cached access tokens for OAuth clients. */
  public AccessTokens accessTokens() {
    return accessTokens;
  }
}
