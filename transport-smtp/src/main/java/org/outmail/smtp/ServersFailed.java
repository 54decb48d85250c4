package org.outmail.smtp;

import java.util.List;

/**
 * No server of a mailbox that lists several took a new connection: each one's failure, in the
 * order tried, each naming its server ({@link OpenFailure#server()}).
 */
final class ServersFailed extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<OpenFailure> failures;

  ServersFailed(List<OpenFailure> failures) {
    super("no server took the connection", null, false, false);
    this.failures = List.copyOf(failures);
  }

  /** Each server's failure, in the order tried. */
  List<OpenFailure> failures() {
    return failures;
  }
}
