package org.outmail.oauth.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON object of strings, whole numbers and booleans: a JWT's header and claims. Strict: anything else is an error. */
final class FlatObject {
  private final String s;
  private int i;

  private FlatObject(String s) {
    this.s = s;
  }

  /**
   * The members: {@code String}, {@code Long} or {@code Boolean}.
   *
   * @throws IllegalArgumentException if the text is not such an object
   */
  static Map<String, Object> parse(String json) {
    FlatObject p = new FlatObject(json);
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      p.ws();
      p.expect('{');
      p.ws();
      if (!p.eat('}')) {
        do {
          p.ws();
          String key = p.string();
          p.ws();
          p.expect(':');
          p.ws();
          if (out.put(key, p.value()) != null) {
            throw new IllegalArgumentException("member " + key + " given twice");
          }
          p.ws();
        } while (p.eat(','));
        p.expect('}');
      }
      p.ws();
      if (p.i != json.length()) {
        throw new IllegalArgumentException("text after the object");
      }
      return out;
    } catch (StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated JSON");
    }
  }

  static String quote(String v) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private Object value() {
    char c = s.charAt(i);
    if (c == '"') {
      return string();
    }
    if (s.startsWith("true", i)) {
      i += 4;
      return Boolean.TRUE;
    }
    if (s.startsWith("false", i)) {
      i += 5;
      return Boolean.FALSE;
    }
    int start = i;
    if (c == '-') {
      i++;
    }
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == start) {
      throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
    }
    return Long.parseLong(s.substring(start, i));
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = s.charAt(i++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'u' -> {
          sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
        }
        default -> throw new IllegalArgumentException("bad escape \\" + e);
      }
    }
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private boolean eat(char c) {
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!eat(c)) {
      throw new IllegalArgumentException("expected '" + c + "' at " + i);
    }
  }
}
