package org.outmail.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean ...?": the known name closest to a misspelt one, if it is close enough. The
 * registry's and the loader's errors use it; tools that suggest names of their own (the {@code
 * outmail} command line) use its {@link #distance}, so that every suggestion counts edits alike.
 */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The candidate nearest to {@code word} (ignoring case), when it is at most one edit away for a
   * word of up to four characters and two edits for a longer one (an edit: a letter added, removed,
   * changed, or two neighbours swapped); the first of equally near ones.
   */
  static Optional<String> closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= allowed(word) ? Optional.of(best) : Optional.empty();
  }

  /** The edits a word may be away from the one meant: 1 up to four characters, else 2. */
  static int allowed(String word) {
    return word.length() <= 4 ? 1 : 2;
  }

  /**
   * The optimal string alignment distance, ignoring case: a letter added, removed or changed, or two
   * neighbours swapped, is one edit.
   *
   * @param a one word
   * @param b the other word
   * @return the number of edits between them
   */
  public static int distance(String a, String b) {
    a = a.toLowerCase(Locale.ROOT);
    b = b.toLowerCase(Locale.ROOT);
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
