package org.outmail.internal;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Domain names to their ASCII form, per UTS #46 non-transitional processing as far as mail needs
 * it: {@code faß.de} is {@code xn--fa-hia.de} and {@code βόλος.com} is {@code xn--nxasmm1c.com},
 * never {@code fass.de} or {@code xn--nxasmq6b.com}. {@link IDN} alone follows IDNA2003, which maps
 * the deviation characters ß and ς to other letters and so sends mail to a different, separately
 * registered domain. Labels holding ß or ς are NFC-normalised, lower-cased and Punycode-encoded
 * here (RFC 3492); every other label goes through {@link IDN}. Either way the label as mapped, and
 * any {@code xn--} label given as such, must then pass IDNA2008's rules ({@link Idna2008}): {@link
 * IDN} alone would encode symbols and punctuation ({@code ¡}, {@code €}) that IDNA2008 disallows.
 * Labels with a zero-width joiner or non-joiner are refused: whether they are valid depends on the
 * letters around them (IDNA2008 CONTEXTJ), which this class does not judge.
 */
final class Idna {
  private Idna() {}

  /**
   * The domain in lower-case ASCII.
   *
   * @throws IllegalArgumentException saying why the domain cannot be converted
   */
  static String toAscii(String domain) {
    String d = domain.replace('\u3002', '.').replace('\uFF0E', '.').replace('\uFF61', '.');
    StringBuilder out = new StringBuilder();
    String[] labels = d.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      if (i > 0) {
        out.append('.');
      }
      out.append(label(labels[i]));
    }
    return out.toString();
  }

  private static String label(String label) {
    if (label.chars().allMatch(c -> c < 0x80)) {
      String ascii = label.toLowerCase(Locale.ROOT);
      if (ascii.startsWith("xn--") && validAceLabel(ascii)) {
        Idna2008.checkLabel(decode(ascii.substring(4)), label);
      }
      return ascii; // an xn-- label that is not valid Punycode is refused by the address's checks
    }
    if (label.indexOf('\u200C') >= 0 || label.indexOf('\u200D') >= 0) {
      throw new IllegalArgumentException("domain label '" + label + "' holds a zero-width joiner or non-joiner,"
          + " which outmail does not convert");
    }
    String nfc = Normalizer.normalize(label, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    String ace;
    if (nfc.indexOf('ß') < 0 && nfc.indexOf('ς') < 0) {
      try {
        ace = IDN.toASCII(nfc, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        String why = String.valueOf(e.getMessage());
        throw new IllegalArgumentException(why.contains("too long")
            ? "label '" + label + "' is longer than 63 octets in its xn-- form, at most 63"
            : "label '" + label + "': " + why);
      }
    } else {
      ace = "xn--" + punycode(nfc);
    }
    if (ace.startsWith("xn--")) {
      // the label as mapped (lower case, NFC, IDNA2003's mapping) is what IDNA2008 judges
      Idna2008.checkLabel(decode(ace.substring(4)), label);
    }
    return ace;
  }

  /** RFC 3492 section 6.3, for a label with at least one non-ASCII code point. */
  static String punycode(String input) {
    final int base = 36;
    final int tMin = 1;
    final int tMax = 26;
    int[] cps = input.codePoints().toArray();
    StringBuilder out = new StringBuilder();
    for (int cp : cps) {
      if (cp < 0x80) {
        out.append((char) cp);
      }
    }
    int b = out.length();
    int h = b;
    if (b > 0) {
      out.append('-');
    }
    int n = 0x80;
    int delta = 0;
    int bias = 72;
    while (h < cps.length) {
      int m = Integer.MAX_VALUE;
      for (int cp : cps) {
        if (cp >= n && cp < m) {
          m = cp;
        }
      }
      delta = Math.addExact(delta, Math.multiplyExact(m - n, h + 1));
      n = m;
      for (int cp : cps) {
        if (cp < n) {
          delta = Math.addExact(delta, 1);
        }
        if (cp == n) {
          int q = delta;
          for (int k = base;; k += base) {
            int t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
            if (q < t) {
              break;
            }
            out.append(digit(t + (q - t) % (base - t)));
            q = (q - t) / (base - t);
          }
          out.append(digit(q));
          bias = adapt(delta, h + 1, h == b);
          delta = 0;
          h++;
        }
      }
      delta++;
      n++;
    }
    return out.toString();
  }

  /**
   * Whether an {@code xn--} label is valid Punycode of a non-ASCII label: it decodes (RFC 3492
   * section 6.2) and encodes back to itself.
   */
  static boolean validAceLabel(String label) {
    String encoded = label.substring(4);
    try {
      String decoded = decode(encoded);
      return !decoded.chars().allMatch(c -> c < 0x80) && punycode(decoded).equals(encoded);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return false;
    }
  }

  /**
   * RFC 3492 section 6.2: the code points a Punycode string stands for (without {@code xn--}).
   *
   * @throws IllegalArgumentException if it is not valid Punycode
   * @throws ArithmeticException if a value overflows
   */
  static String decode(String input) {
    final int base = 36;
    int n = 0x80;
    int i = 0;
    int bias = 72;
    int b = input.lastIndexOf('-');
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (int j = 0; j < Math.max(b, 0); j++) {
      char c = input.charAt(j);
      if (c >= 0x80) {
        throw new IllegalArgumentException("non-basic");
      }
      out.add((int) c);
    }
    int in = b > 0 ? b + 1 : 0;
    while (in < input.length()) {
      int oldi = i;
      int w = 1;
      for (int k = base;; k += base) {
        if (in >= input.length()) {
          throw new IllegalArgumentException("truncated");
        }
        char c = input.charAt(in++);
        int digit = c >= 'a' && c <= 'z' ? c - 'a' : c >= 'A' && c <= 'Z' ? c - 'A'
            : c >= '0' && c <= '9' ? c - '0' + 26 : -1;
        if (digit < 0) {
          throw new IllegalArgumentException("bad digit");
        }
        i = Math.addExact(i, Math.multiplyExact(digit, w));
        int t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
        if (digit < t) {
          break;
        }
        w = Math.multiplyExact(w, base - t);
      }
      bias = adapt(i - oldi, out.size() + 1, oldi == 0);
      n = Math.addExact(n, i / (out.size() + 1));
      i %= out.size() + 1;
      if (n > Character.MAX_CODE_POINT || (n >= 0xD800 && n <= 0xDFFF)) {
        throw new IllegalArgumentException("bad code point");
      }
      out.add(i, n);
      i++;
    }
    StringBuilder sb = new StringBuilder();
    out.forEach(sb::appendCodePoint);
    return sb.toString();
  }

  private static char digit(int d) {
    return (char) (d < 26 ? 'a' + d : '0' + d - 26);
  }

  private static int adapt(int delta, int numPoints, boolean first) {
    delta = first ? delta / 700 : delta / 2;
    delta += delta / numPoints;
    int k = 0;
    while (delta > ((36 - 1) * 26) / 2) {
      delta /= 36 - 1;
      k += 36;
    }
    return k + (36 * delta) / (delta + 38);
  }
}
