package org.outmail;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validates and normalises email addresses. Strict on purpose: an address reaches an SMTP
 * envelope and a header, so anything that could become a line break on the wire is refused.
 */
final class Addresses {
  // RFC 5322 dot-atom local part (ASCII).
  private static final Pattern LOCAL =
      Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private Addresses() {}

  /**
   * Returns the address trimmed, with its domain in lower-case ASCII (IDN domains converted to
   * their {@code xn--} form).
   *
   * @throws InvalidEmailException saying what is wrong with the address (the caller puts the field
   *     in front)
   */
  static String normalise(String address) {
    if (address == null) {
      throw invalid("address is missing");
    }
    checkNoLineBreakCharacters(address, "address");
    String trimmed = address.strip();
    if (trimmed.isEmpty()) {
      throw invalid("address is empty");
    }
    if (trimmed.length() > 254) {
      throw invalid("address is longer than 254 characters: " + shorten(trimmed));
    }
    int at = trimmed.lastIndexOf('@');
    if (at <= 0 || at == trimmed.length() - 1) {
      throw invalid("'" + trimmed + "' is not an email address (expected local@domain)");
    }
    String local = trimmed.substring(0, at);
    String domain = trimmed.substring(at + 1);
    if (local.length() > 64 || !LOCAL.matcher(local).matches()) {
      throw invalid("'" + trimmed + "' is not an email address: invalid local part");
    }
    String asciiDomain;
    try {
      asciiDomain = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw invalid("'" + trimmed + "' is not an email address: invalid domain");
    }
    if (asciiDomain.endsWith(".")) {
      asciiDomain = asciiDomain.substring(0, asciiDomain.length() - 1);
    }
    String[] labels = asciiDomain.split("\\.", -1);
    if (labels.length < 2 || asciiDomain.length() > 253) {
      throw invalid("'" + trimmed + "' is not an email address: invalid domain");
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw invalid("'" + trimmed + "' is not an email address: invalid domain");
      }
    }
    return local + "@" + asciiDomain;
  }

  /**
   * Refuses CR, LF and other control characters, U+0085, U+2028, U+2029, and characters whose low
   * byte is CR or LF (U+010A, U+010D, U+760A, ...), which a careless encoder can turn into a line
   * break on the wire (CVE-2025-7962). Used for addresses, which reach the SMTP envelope as they are.
   *
   * @throws InvalidEmailException naming {@code what}, the character and its index
   */
  static void checkNoLineBreakCharacters(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int low = c & 0xFF;
      if (isControl(c) || (c > 0xFF && (low == '\r' || low == '\n'))) {
        throw forbidden(what, c, i);
      }
    }
  }

  /**
   * Refuses CR, LF, other control characters but TAB, U+0085, U+2028 and U+2029 in free text that
   * goes into a header (subject, display name, header value, file name). Other non-ASCII text is
   * allowed: transports encode it (RFC 2047), so it never reaches the wire raw.
   *
   * @throws InvalidEmailException naming {@code what}, the character and its index
   */
  static void checkHeaderText(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\t' && isControl(c)) {
        throw forbidden(what, c, i);
      }
    }
  }

  private static boolean isControl(char c) {
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == '\u2028' || c == '\u2029';
  }

  private static InvalidEmailException forbidden(String what, char c, int index) {
    return new InvalidEmailException(what,
        what + " contains a forbidden character U+" + String.format("%04X", (int) c) + " at index " + index);
  }

  private static InvalidEmailException invalid(String problem) {
    return new InvalidEmailException("address", problem);
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
