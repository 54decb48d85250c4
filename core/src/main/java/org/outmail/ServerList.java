package org.outmail;

import java.net.IDN;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A mailbox's {@code host} field read as a list of servers: {@code host[:port]} items separated by
 * commas, each host a name (IDN names kept in ASCII form, lower case) or an {@code [IPv6]}
 * literal. An item without a port uses the mailbox's port. One host without a port is exactly the
 * single host of old.
 */
final class ServerList {
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]");

  /** One item: the host and its own port, 0 when the mailbox's port applies. */
  record Item(String host, int port) {
    ServerAddress address(int mailboxPort) {
      return new ServerAddress(host, port == 0 ? mailboxPort : port);
    }

    @Override
    public String toString() {
      return port == 0 ? host : host + ":" + port;
    }
  }

  private ServerList() {}

  /**
   * Reads the field's text.
   *
   * @return the items, at least one
   * @throws IllegalArgumentException saying what is wrong with which item (no mailbox or field
   *     named: the caller adds them)
   */
  static List<Item> parse(String text) {
    String[] parts = text.split(",", -1);
    List<Item> items = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].strip();
      if (part.isEmpty()) {
        if (parts.length == 1) {
          throw badHost(part);
        }
        throw new IllegalArgumentException(
            "lists an empty server (item " + (i + 1) + " of " + parts.length + "): '" + text.strip() + "'");
      }
      items.add(item(part));
    }
    return List.copyOf(items);
  }

  private static Item item(String part) {
    String host = part;
    String portText = null;
    if (part.startsWith("[")) {
      int end = part.indexOf(']');
      if (end > 0 && end + 1 < part.length()) {
        if (part.charAt(end + 1) != ':') {
          throw badHost(part);
        }
        host = part.substring(0, end + 1);
        portText = part.substring(end + 2);
      }
    } else if (part.indexOf(':') != part.lastIndexOf(':')) {
      throw badHost(part); // an IPv6 address needs its brackets
    } else {
      int colon = part.indexOf(':');
      if (colon >= 0) {
        host = part.substring(0, colon).strip();
        portText = part.substring(colon + 1).strip();
      }
    }
    String ascii;
    try {
      ascii = host.startsWith("[") ? host : IDN.toASCII(host);
    } catch (IllegalArgumentException e) {
      throw badHost(host);
    }
    if (!HOST.matcher(ascii).matches()) {
      throw badHost(host);
    }
    int port = 0;
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "has a bad port in '" + part + "': the port must be a number between 1 and 65535");
      }
    }
    return new Item(ascii.toLowerCase(Locale.ROOT), port);
  }

  private static IllegalArgumentException badHost(String host) {
    return new IllegalArgumentException("is not a valid host name: '" + host + "'");
  }

  /** The field's text as stored: the items joined with {@code ", "}. */
  static String text(List<Item> items) {
    StringBuilder sb = new StringBuilder();
    for (Item item : items) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(item);
    }
    return sb.toString();
  }

  /**
   * The servers, with the mailbox's port where an item names none.
   *
   * @throws IllegalArgumentException naming a server listed twice
   */
  static List<ServerAddress> addresses(List<Item> items, int mailboxPort) {
    List<ServerAddress> out = new ArrayList<>(items.size());
    Set<ServerAddress> seen = new HashSet<>();
    for (Item item : items) {
      ServerAddress a = item.address(mailboxPort);
      if (!seen.add(a)) {
        throw new IllegalArgumentException("names the server " + a + " twice");
      }
      out.add(a);
    }
    return List.copyOf(out);
  }
}
