package org.outmail.console;

import org.outmail.Mailbox;
import org.outmail.TextForm;
import org.outmail.oauth.OAuthClient;

/** The text forms of mailboxes and OAuth clients that the console's forms read and write. */
final class Forms {
  static final TextForm<Mailbox, Mailbox.Builder> MAILBOX = Mailbox.textForm();
  static final TextForm<OAuthClient, OAuthClient.Builder> CLIENT = OAuthClient.textForm();

  private Forms() {}
}
