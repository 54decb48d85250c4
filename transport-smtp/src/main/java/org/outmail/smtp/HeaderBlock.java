package org.outmail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The top-level header fields of one message, in the order Angus Mail's {@code InternetHeaders}
 * writes them: its fixed places first (Date, From, Reply-To, To, Cc, Message-ID, Subject,
 * MIME-Version, Content-Type, ...), a host's header named like one of them right after it, any
 * other host header before {@code Content-Length} in the order given. Built without a {@code
 * MimeMessage}: a message that goes as wire bytes never makes one.
 */
final class HeaderBlock {
  /** The places of {@code InternetHeaders}, in order; {@code ":"} is where other headers go. */
  private static final String[] PLACES = {"Return-Path", "Received", "Resent-Date", "Resent-From", "Resent-Sender",
      "Resent-To", "Resent-Cc", "Resent-Bcc", "Resent-Message-Id", "Date", "From", "Sender", "Reply-To", "To", "Cc",
      "Bcc", "Message-Id", "In-Reply-To", "References", "Subject", "Comments", "Keywords", "Errors-To", "MIME-Version",
      "Content-Type", "Content-Transfer-Encoding", "Content-MD5", ":", "Content-Length", "Status"};
  private static final int OTHERS = 27;
  static final int DATE = 9;
  static final int FROM = 10;
  static final int REPLY_TO = 12;
  static final int TO = 13;
  static final int CC = 14;
  static final int MESSAGE_ID = 16;
  static final int SUBJECT = 19;
  static final int MIME_VERSION = 23;
  static final int CONTENT_TYPE = 24;
  static final int CONTENT_TRANSFER_ENCODING = 25;

  /** A header the host gave, and the place it goes (-1: with the others). */
  private record Custom(String name, String value, int place) {}

  private final @Nullable String[] names = new String[PLACES.length];
  private final @Nullable String[] values = new String[PLACES.length];
  private final List<Custom> custom = new ArrayList<>(2);

  /** Sets the field at one of the fixed places (one of the constants), replacing what was there. */
  void set(int place, String name, String value) {
    names[place] = name;
    values[place] = value;
  }

  /** Removes the field at a fixed place. */
  void remove(int place) {
    names[place] = null;
    values[place] = null;
  }

  /** The value at a fixed place, or null. */
  @Nullable
  String value(int place) {
    return values[place];
  }

  /** Adds a host's header field (its name unique among them, and none of the fixed ones outmail sets). */
  void add(String name, String value) {
    custom.add(new Custom(name, value, placeOf(name)));
  }

  /** The host's header fields, in the order given: name and value. */
  List<String[]> custom() {
    List<String[]> out = new ArrayList<>(custom.size());
    for (Custom c : custom) {
      out.add(new String[] {c.name(), c.value()});
    }
    return out;
  }

  /** Replaces the value of the host's header {@code name}. */
  void replaceCustom(String name, String value) {
    for (int i = 0; i < custom.size(); i++) {
      if (custom.get(i).name().equals(name)) {
        custom.set(i, new Custom(name, value, custom.get(i).place()));
      }
    }
  }

  /** Every field as a header line ({@code Name: value}, folded lines joined by CRLF + white space), in order. */
  List<String> lines() {
    List<String> out = new ArrayList<>(12 + custom.size());
    for (int i = 0; i < PLACES.length; i++) {
      if (i == OTHERS) {
        customAt(-1, out);
        continue;
      }
      if (values[i] != null) {
        out.add(names[i] + ": " + values[i]);
      }
      if (!custom.isEmpty()) {
        customAt(i, out);
      }
    }
    return out;
  }

  private void customAt(int place, List<String> out) {
    for (Custom c : custom) {
      if (c.place() == place) {
        out.add(c.name() + ": " + c.value());
      }
    }
  }

  /** Sets every field on a message that Angus writes (the fixed ones replace, the host's are added). */
  void copyTo(MimeMessage mime) throws MessagingException {
    for (int i = 0; i < PLACES.length; i++) {
      if (values[i] != null) {
        mime.setHeader(names[i], values[i]);
      }
    }
    for (Custom c : custom) {
      mime.addHeader(c.name(), c.value());
    }
  }

  private static int placeOf(String name) {
    for (int i = 0; i < PLACES.length; i++) {
      if (i != OTHERS && PLACES[i].equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }
}
