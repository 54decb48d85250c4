package org.outmail.console;

import org.jspecify.annotations.Nullable;

/**
 * HTML written by hand, every value escaped: text and attribute values go through {@link #esc},
 * which escapes the five characters that can end a text or a quoted attribute. Attributes are
 * always double-quoted.
 */
final class Html {
  private final StringBuilder out = new StringBuilder(8192);

  /** Escapes {@code & < > " '} for text and double- or single-quoted attribute values. */
  static String esc(@Nullable String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** Appends markup written in the code, never user input. */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Appends text, escaped. */
  Html text(@Nullable String text) {
    out.append(esc(text));
    return this;
  }

  /** Appends {@code  name="value"}, the value escaped. */
  Html attr(String name, String value) {
    out.append(' ').append(name).append("=\"").append(esc(value)).append('"');
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
