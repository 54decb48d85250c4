package org.outmail.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A plain-text table whose columns are as wide as their widest cell, two spaces apart. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... headers) {
    this.columns = headers.length;
    rows.add(headers.clone());
  }

  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("a row needs " + columns + " cells, got " + cells.length);
    }
    rows.add(Arrays.stream(cells).map(c -> Objects.requireNonNullElse(c, "")).toArray(String[]::new));
    return this;
  }

  /** The lines of the table, header first, without trailing spaces. */
  List<String> lines() {
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }
}
