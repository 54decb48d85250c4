package org.outmail.spi;

import java.util.Objects;
import org.outmail.oauth.AccessTokens;

/**
 * What the registry gives a transport besides its mailbox: access tokens for the mailbox's OAuth
 * client, and where to report a move from one of the mailbox's servers to another.
 */
public final class TransportContext {
  /** Hears a transport move from one of its mailbox's servers to another. */
  @FunctionalInterface
  public interface ServerSwitches {
    /** Hears nothing. */
    ServerSwitches NONE = (from, to, reason) -> {};

    /**
     * The transport could not use {@code from} and moved on to {@code to}.
     *
     * @param from the server given up, as {@code host:port}
     * @param to the server tried next, as {@code host:port}
     * @param reason why {@code from} was given up, for a person (no credential)
     */
    void switched(String from, String to, String reason);
  }

  private final AccessTokens accessTokens;
  private final ServerSwitches serverSwitches;

  private TransportContext(AccessTokens accessTokens, ServerSwitches serverSwitches) {
    this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens == null");
    this.serverSwitches = Objects.requireNonNull(serverSwitches, "serverSwitches == null");
  }

  /**
   * Creates the context the registry shares with its transports.
   *
   * @param accessTokens the registry's access token cache
   * @return the context
   */
  public static TransportContext of(AccessTokens accessTokens) {
    return new TransportContext(accessTokens, ServerSwitches.NONE);
  }

  /**
   * A copy of this context that reports server switch-overs to {@code switches}.
   *
   * @param switches what hears them (the registry's {@link org.outmail.SendListener}s)
   * @return the copy
   */
  public TransportContext withServerSwitches(ServerSwitches switches) {
    return new TransportContext(accessTokens, switches);
  }

  /**
   * Reports that the transport moved from one of its mailbox's servers to another. Never throws.
   *
   * @param from the server given up, as {@code host:port}
   * @param to the server tried next, as {@code host:port}
   * @param reason why, for a person (no credential)
   */
  public void serverSwitched(String from, String to, String reason) {
    try {
      serverSwitches.switched(from, to, reason);
    } catch (RuntimeException e) {
      // a listener's failure never changes a send; the registry's listener wrapper logs its own
    }
  }

  /** {@return the cached access tokens for OAuth clients} */
  public AccessTokens accessTokens() {
    return accessTokens;
  }
}
