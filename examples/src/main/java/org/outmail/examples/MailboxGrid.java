package org.outmail.examples;

import java.util.List;
import org.outmail.Mailbox;

/**
 * The administrator's grid of mailboxes as a text table: id, name, type, status, from, protocol,
 * host:port, encryption and whether the mailbox is the default outgoing one.
 */
final class MailboxGrid {
  private MailboxGrid() {}

  static List<String> lines(List<Mailbox> mailboxes) {
    Table table = new Table("ID", "NAME", "TYPE", "STATUS", "FROM", "PROTOCOL", "HOST:PORT", "ENCRYPTION", "DEFAULT");
    for (Mailbox m : mailboxes) {
      table.row(
          m.id(),
          m.name(),
          m.type().name(),
          m.enabled() ? "ENABLED" : "DISABLED",
          from(m),
          m.protocol(),
          m.servers().isEmpty() ? "-" : m.servers().stream().map(Object::toString)
              .collect(java.util.stream.Collectors.joining(", ")),
          m.encryption().name(),
          m.defaultOutgoing() ? "yes" : "");
    }
    return table.lines();
  }

  /** The From as recipients see it: {@code Your Service Desk <support@example.com>}. */
  static String from(Mailbox m) {
    String address = m.emailDisplay() == null ? "-" : m.emailDisplay();
    return m.displayName().map(n -> n + " <" + address + ">").orElse(address);
  }
}
