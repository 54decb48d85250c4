package org.outmail;

/** How the connection to the mail server is protected. */
public enum Encryption {
  /** Plain text. Only for servers on a trusted network. Default port 25. */
  NONE(25),
  /** TLS from the first byte (implicit TLS, "SMTPS"). Default port 465. */
  SSL_TLS(465),
  /** Plain connection upgraded with STARTTLS, which is required: never a fallback to plain text. Default port 587. */
  STARTTLS(587);

  private final int defaultPort;

  Encryption(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  /** {@return the port used when a mailbox names none} */
  int defaultPort() {
    return defaultPort;
  }
}
