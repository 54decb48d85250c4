package org.outmail;

import java.util.Objects;

/** What a {@link PostSendHook} sees: the mailbox, the email as the host built it, and the result. */
public record SentEmail(Mailbox mailbox, Email email, SendResult result) {
  /**
   * Creates the record of a send.
   *
   * @param mailbox the mailbox that sent
   * @param email the email as the host built it
   * @param result what the transport reported
   */
  public SentEmail {
    Objects.requireNonNull(mailbox, "mailbox == null");
    Objects.requireNonNull(email, "email == null");
    Objects.requireNonNull(result, "result == null");
  }
}
