package org.outmail.internal;

import org.outmail.InvalidEmailException;

/**
 * Validates and normalises email addresses. Strict on purpose: an address reaches an SMTP
 * envelope and a header, so anything that could become a line break on the wire is refused.
 */
public final class Addresses {
  /** RFC 5322 atext besides letters and digits. */
  private static final String ATEXT_SYMBOLS = "!#$%&'*+/=?^_`{|}~-";

  private Addresses() {}

  /**
   * Returns the address trimmed, with its domain in lower-case ASCII (international domains
   * converted to their {@code xn--} form per UTS #46 non-transitional processing, see {@link Idna}).
   * The line-break guard applies to the local part, which reaches the wire as it is; the domain
   * reaches it only in its converted ASCII form, which is checked. Lengths (254 octets in all, 63
   * per label) are checked on the converted form. Domains that can never be delivered to are
   * refused: a numeric top-level label ({@code iana.123}), a bare IPv4 address, the special-use
   * names {@code .invalid} and {@code .onion}, and {@code xn--} labels that are not valid Punycode.
   *
   * @throws InvalidEmailException saying what is wrong with the address (the caller puts the field
   *     in front)
   */
  public static String normalise(String address) {
    if (address == null) {
      throw invalid("address is missing");
    }
    for (int i = 0; i < address.length(); i++) {
      if (isControl(address.charAt(i))) {
        throw forbidden("address", address.charAt(i), i);
      }
    }
    String trimmed = address.strip();
    if (trimmed.isEmpty()) {
      throw invalid("address is empty");
    }
    int at = trimmed.lastIndexOf('@');
    if (at <= 0 || at == trimmed.length() - 1) {
      checkNoLineBreakCharacters(address, "address");
      throw invalid("'" + trimmed + "' is not an email address (expected local@domain)");
    }
    String local = trimmed.substring(0, at);
    String domain = trimmed.substring(at + 1);
    checkNoLineBreakCharacters(local, "address");
    for (int i = 0; i < domain.length(); i++) {
      if (Character.isWhitespace(domain.charAt(i))) {
        throw forbidden("address", domain.charAt(i), at + 1 + i);
      }
    }
    if (local.length() > 64 || !dotAtom(local)) {
      throw invalid("'" + shorten(trimmed) + "' is not an email address: invalid local part");
    }
    String asciiDomain;
    try {
      asciiDomain = Idna.toAscii(domain);
    } catch (IllegalArgumentException e) {
      throw invalid("'" + shorten(trimmed) + "' is not an email address: invalid domain ("
          + e.getMessage() + ")");
    }
    if (asciiDomain.endsWith(".")) {
      asciiDomain = asciiDomain.substring(0, asciiDomain.length() - 1);
    }
    String invalid = "'" + shorten(trimmed) + "' is not an email address: invalid domain";
    String[] labels = asciiDomain.split("\\.", -1);
    if (labels.length < 2 || asciiDomain.length() > 253) {
      throw invalid(invalid);
    }
    for (String label : labels) {
      if (label.length() > 63) {
        throw invalid(invalid + " (label of " + label.length() + " octets, at most 63)");
      }
      if (!label(label)) {
        throw invalid(invalid);
      }
      if (label.startsWith("xn--") && !Idna.validAceLabel(label)) {
        throw invalid(invalid + " ('" + label + "' is not valid Punycode)");
      }
    }
    String tld = labels[labels.length - 1];
    if (allDigits(tld)) {
      throw invalid(invalid + " (numeric top-level label '" + tld + "' is never delivered to;"
          + " an IP address is not accepted as a domain)");
    }
    if (tld.equals("invalid") || tld.equals("onion")) {
      throw invalid(invalid + " (." + tld + " is a special-use name that mail is never delivered to)");
    }
    String normalised = local + "@" + asciiDomain;
    if (normalised.length() > 254) {
      throw invalid("'" + shorten(trimmed) + "' is not an email address: "
          + normalised.length() + " octets on the wire, at most 254");
    }
    return normalised;
  }

  /** Whether {@code s} is an RFC 5322 dot-atom of ASCII atext: {@code atext+ ("." atext+)*}; no regular expression (called per recipient). */
  static boolean dotAtom(String s) {
    int n = s.length();
    if (n == 0) {
      return false;
    }
    boolean afterDot = true;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (afterDot) {
          return false;
        }
        afterDot = true;
      } else if (isAlnum(c) || (c < 0x80 && ATEXT_SYMBOLS.indexOf(c) >= 0)) {
        afterDot = false;
      } else {
        return false;
      }
    }
    return !afterDot;
  }

  /** Whether {@code s} is a lower-case LDH label: {@code [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?}. */
  static boolean label(String s) {
    int n = s.length();
    if (n == 0 || n > 63 || !isLowerAlnum(s.charAt(0)) || !isLowerAlnum(s.charAt(n - 1))) {
      return false;
    }
    for (int i = 1; i < n - 1; i++) {
      char c = s.charAt(i);
      if (!isLowerAlnum(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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
  public static void checkHeaderText(String text, String what) {
    int i = headerTextControl(text);
    if (i >= 0) {
      throw forbidden(what, text.charAt(i), i);
    }
  }

  /** {@return the index of the first character {@link #checkHeaderText} refuses, or -1} */
  public static int headerTextControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\t' && isControl(c)) {
        return i;
      }
    }
    return -1;
  }

  /** {@return {@code contains a forbidden character U+000D at index 4}: the character and its index} */
  public static String forbiddenCharacter(char c, int index) {
    return "contains a forbidden character U+" + String.format("%04X", (int) c) + " at index " + index;
  }

  private static boolean isControl(char c) {
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == '\u2028' || c == '\u2029';
  }

  private static InvalidEmailException forbidden(String what, char c, int index) {
    return new InvalidEmailException(what, what + " " + forbiddenCharacter(c, index));
  }

  private static InvalidEmailException invalid(String problem) {
    return new InvalidEmailException("address", problem);
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
