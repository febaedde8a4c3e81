package io.shadowscale.jobs.iceberg;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.types.Row;

/**
 * The rows of one query, at most {@code limit} of them, and how to print them.
 *
 * <p>Values keep the Java types Flink returns ({@code Long}, {@code Double}, {@code String}, {@code
 * java.time.Instant} for {@code timestamptz} columns, {@code Map} for maps, ...).
 *
 * @param truncated true when the query had more rows than {@code limit}
 */
public record QueryResult(
    List<String> columns, List<List<Object>> rows, boolean truncated, int limit) {

  public enum Format {
    /** Aligned text table, header, "(N rows)" footer; numbers right-aligned. */
    TABLE,
    /** RFC 4180: header line, CRLF line ends, quoted only where needed, NULL as empty field. */
    CSV,
    /**
     * JSON Lines: one object per row ({@code {"column":value,...}}), newline-terminated; nothing
     * for zero rows. Timestamps as ISO-8601 strings, maps as objects, NaN/Infinity as strings.
     */
    JSON;

    /** Case-insensitive, for command-line options. */
    public static Format parse(String name) {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
  }

  public QueryResult {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "row has " + row.size() + " values for " + columns.size() + " columns");
      }
      copy.add(Collections.unmodifiableList(new ArrayList<>(row))); // values may be null
    }
    rows = Collections.unmodifiableList(copy);
  }

  public int rowCount() {
    return rows.size();
  }

  /**
   * The rows in {@code format}. Only {@link Format#TABLE} mentions truncation (in its footer): CSV
   * and JSON stay machine-readable, so callers report {@link #truncated()} on stderr.
   */
  public String format(Format format) {
    return switch (format) {
      case TABLE -> table();
      case CSV -> csv();
      case JSON -> jsonLines();
    };
  }

  /** The footer line of the table format, without the newline. */
  public String footer() {
    String count = "(" + rows.size() + (rows.size() == 1 ? " row" : " rows");
    return truncated ? count + "; stopped at --limit " + limit + ", more rows exist)" : count + ")";
  }

  private String table() {
    int n = columns.size();
    int[] widths = new int[n];
    boolean[] numeric = new boolean[n]; // right-aligned: some numbers and nothing but numbers
    boolean[] text = new boolean[n];
    List<String[][]> cells = new ArrayList<>(rows.size()); // row, column, line within the cell
    for (int c = 0; c < n; c++) {
      widths[c] = columns.get(c).length();
    }
    for (List<Object> row : rows) {
      String[][] line = new String[n][];
      for (int c = 0; c < n; c++) {
        Object v = row.get(c);
        // multi-line values (EXPLAIN plans, explanations) keep their lines
        line[c] = (v == null ? "NULL" : text(v)).replace("\r\n", "\n").split("[\r\n]", -1);
        for (String part : line[c]) {
          widths[c] = Math.max(widths[c], part.length());
        }
        numeric[c] |= v instanceof Number;
        text[c] |= v != null && !(v instanceof Number);
      }
      cells.add(line);
    }
    for (int c = 0; c < n; c++) {
      numeric[c] &= !text[c];
    }
    StringBuilder out = new StringBuilder();
    appendLine(out, columns.toArray(new String[0]), widths, numeric);
    for (int c = 0; c < n; c++) {
      out.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
    }
    out.append('\n');
    for (String[][] row : cells) {
      int height = 1;
      for (String[] cell : row) {
        height = Math.max(height, cell.length);
      }
      for (int i = 0; i < height; i++) {
        String[] line = new String[n];
        for (int c = 0; c < n; c++) {
          line[c] = i < row[c].length ? row[c][i] : "";
        }
        appendLine(out, line, widths, numeric);
      }
    }
    return out.append(footer()).append('\n').toString();
  }

  private static void appendLine(StringBuilder out, String[] cells, int[] widths, boolean[] right) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      String pad = " ".repeat(widths[c] - cells[c].length());
      line.append(c == 0 ? "" : " | ").append(right[c] ? pad + cells[c] : cells[c] + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private String csv() {
    StringBuilder out = new StringBuilder();
    csvLine(out, new ArrayList<>(columns));
    for (List<Object> row : rows) {
      csvLine(out, row);
    }
    return out.toString();
  }

  private static void csvLine(StringBuilder out, List<?> values) {
    for (int c = 0; c < values.size(); c++) {
      if (c > 0) {
        out.append(',');
      }
      Object v = values.get(c);
      if (v == null) {
        continue;
      }
      String s = text(v);
      boolean quote =
          s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
      out.append(quote ? '"' + s.replace("\"", "\"\"") + '"' : s);
    }
    out.append("\r\n");
  }

  private String jsonLines() {
    StringBuilder out = new StringBuilder();
    for (List<Object> row : rows) {
      out.append('{');
      for (int c = 0; c < columns.size(); c++) {
        if (c > 0) {
          out.append(',');
        }
        jsonString(out, columns.get(c));
        out.append(':');
        json(out, row.get(c));
      }
      out.append("}\n");
    }
    return out.toString();
  }

  /** A value as plain text: numbers without exponents, nested values as JSON. */
  static String text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      return number((Number) v);
    }
    if (v instanceof Map || v instanceof List || v instanceof Row || v.getClass().isArray()) {
      StringBuilder out = new StringBuilder();
      json(out, v);
      return out.toString();
    }
    return String.valueOf(v);
  }

  private static String number(Number n) {
    if (n instanceof BigDecimal d) {
      return d.toPlainString();
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return String.valueOf(d);
    }
    double abs = Math.abs(d);
    if (abs == 0 || (abs >= 1e-3 && abs < 1e7)) {
      return n instanceof Float ? Float.toString(n.floatValue()) : Double.toString(d);
    }
    // avoid 1.5E9: bytes and rates are large, and readers of CSV and tables want digits
    BigDecimal exact =
        n instanceof Float ? new BigDecimal(Float.toString(n.floatValue())) : BigDecimal.valueOf(d);
    return exact.stripTrailingZeros().toPlainString();
  }

  private static void json(StringBuilder out, Object v) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean) {
      out.append(v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        jsonString(out, String.valueOf(d));
      } else {
        out.append(number((Number) v));
      }
    } else if (v instanceof Number n) {
      out.append(n instanceof BigDecimal d ? d.toPlainString() : n.toString());
    } else if (v instanceof Map<?, ?> map) {
      out.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = sortedByKey(map).entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        jsonString(out, String.valueOf(e.getKey()));
        out.append(':');
        json(out, e.getValue());
        if (it.hasNext()) {
          out.append(',');
        }
      }
      out.append('}');
    } else if (v instanceof byte[] bytes) {
      jsonString(out, Base64.getEncoder().encodeToString(bytes));
    } else if (v instanceof List<?> || v instanceof Row || v.getClass().isArray()) {
      List<Object> items = new ArrayList<>();
      if (v instanceof List<?> list) {
        items.addAll(list);
      } else if (v instanceof Row row) {
        for (int i = 0; i < row.getArity(); i++) {
          items.add(row.getField(i));
        }
      } else {
        for (int i = 0; i < Array.getLength(v); i++) {
          items.add(Array.get(v, i));
        }
      }
      out.append('[');
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        json(out, items.get(i));
      }
      out.append(']');
    } else {
      jsonString(out, String.valueOf(v)); // strings, Instant, LocalDate, ...
    }
  }

  /** Flink's maps have no order: sort by key text so the same data prints the same way. */
  private static Map<String, Object> sortedByKey(Map<?, ?> map) {
    Map<String, Object> sorted = new TreeMap<>();
    map.forEach((k, x) -> sorted.put(String.valueOf(k), x));
    return sorted;
  }

  private static void jsonString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (ch < 0x20) {
            out.append(String.format("\\u%04x", (int) ch));
          } else {
            out.append(ch);
          }
        }
      }
    }
    out.append('"');
  }
}
