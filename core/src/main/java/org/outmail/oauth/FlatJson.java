package org.outmail.oauth;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the top-level string, number and boolean members of a JSON object, which is all a token
 * response holds that outmail needs. Nested values are skipped. Not a general JSON parser.
 */
final class FlatJson {
  private final String s;
  private int i;

  private FlatJson(String s) {
    this.s = s;
  }

  /** The top-level members as text; an empty map when the input is not a JSON object. */
  static Map<String, String> parse(String json) {
    Map<String, String> out = new HashMap<>();
    if (json == null) {
      return out;
    }
    FlatJson p = new FlatJson(json);
    try {
      p.ws();
      if (!p.eat('{')) {
        return out;
      }
      p.ws();
      if (p.eat('}')) {
        return out;
      }
      do {
        p.ws();
        String key = p.string();
        p.ws();
        p.expect(':');
        p.ws();
        String value = p.value();
        if (value != null) {
          out.put(key, value);
        }
        p.ws();
      } while (p.eat(','));
      return out;
    } catch (RuntimeException e) {
      return out;
    }
  }

  private @Nullable String value() {
    char c = s.charAt(i);
    if (c == '"') {
      return string();
    }
    if (c == '{' || c == '[') {
      skipNested();
      return null;
    }
    int start = i;
    while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
      i++;
    }
    String literal = s.substring(start, i);
    return literal.equals("null") ? null : literal;
  }

  private void skipNested() {
    int depth = 0;
    do {
      char c = s.charAt(i);
      if (c == '"') {
        string();
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
      i++;
    } while (depth > 0);
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = s.charAt(i++);
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> sb.append(e);
        }
      } else {
        sb.append(c);
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
      throw new IllegalStateException("expected " + c);
    }
  }
}
