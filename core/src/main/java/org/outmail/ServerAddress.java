package org.outmail;

import java.util.Objects;

/**
 * One server of a mailbox: a host name (ASCII, lower case) or {@code [IPv6]} literal, and the port.
 * A mailbox's {@code host} names one or several, comma-separated ({@code smtp1.example.com:587,
 * smtp2.example.com:587}); see {@link Mailbox#servers()}. Its {@link #toString()} is {@code
 * host:port}, what messages, metrics and receipts name.
 *
 * @param host the host name or {@code [IPv6]} literal
 * @param port the port, 1 to 65535
 */
public record ServerAddress(String host, int port) {
  /**
   * A server.
   *
   * @param host the host name or {@code [IPv6]} literal
   * @param port the port, 1 to 65535
   * @throws IllegalArgumentException unless the port is 1 to 65535
   */
  public ServerAddress {
    Objects.requireNonNull(host, "host == null");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
    }
  }

  /** {@return {@code host:port}} */
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
