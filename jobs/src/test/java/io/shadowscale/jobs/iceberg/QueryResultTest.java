package io.shadowscale.jobs.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadowscale.jobs.iceberg.QueryResult.Format;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryResultTest {
  private static final QueryResult MIXED =
      new QueryResult(
          List.of("tenant_id", "memory_p99", "note", "at"),
          List.of(
              Arrays.asList("acme", 2.147483648E9, "a, \"quoted\" value", Instant.parse("2024-03-01T10:00:00Z")),
              Arrays.asList("globex", null, null, null)),
          false,
          1000);

  @Test
  void tableAlignsRightAlignsNumbersAndCountsRows() {
    assertThat(MIXED.format(Format.TABLE))
        .isEqualTo(
            "tenant_id | memory_p99 | note              | at\n"
                + "----------+------------+-------------------+---------------------\n"
                + "acme      | 2147483648 | a, \"quoted\" value | 2024-03-01T10:00:00Z\n"
                + "globex    |       NULL | NULL              | NULL\n"
                + "(2 rows)\n");
  }

  @Test
  void tableKeepsLinesOfMultiLineValuesAndSaysOneRow() {
    QueryResult plan =
        new QueryResult(List.of("n", "plan"), List.of(List.of(1, "Calc\n  Scan\r\nEnd")), false, 10);
    assertThat(plan.format(Format.TABLE))
        .isEqualTo(
            "n | plan\n"
                + "--+-------\n"
                + "1 | Calc\n"
                + "  |   Scan\n"
                + "  | End\n"
                + "(1 row)\n");
  }

  @Test
  void columnsWithOnlyNullsStayLeftAligned() {
    QueryResult r =
        new QueryResult(
            List.of("k", "n"), List.of(Arrays.asList(null, 1L), Arrays.asList(null, 22L)), false, 9);
    assertThat(r.format(Format.TABLE))
        .isEqualTo("k    |  n\n-----+---\nNULL |  1\nNULL | 22\n(2 rows)\n");
  }

  @Test
  void tableWithoutRowsAndTruncatedFooter() {
    assertThat(new QueryResult(List.of("x"), List.of(), false, 5).format(Format.TABLE))
        .isEqualTo("x\n-\n(0 rows)\n");
    QueryResult truncated = new QueryResult(List.of("x"), List.of(List.of(1L), List.of(2L)), true, 2);
    assertThat(truncated.footer()).isEqualTo("(2 rows; stopped at --limit 2, more rows exist)");
  }

  @Test
  void csvFollowsRfc4180() {
    assertThat(MIXED.format(Format.CSV))
        .isEqualTo(
            "tenant_id,memory_p99,note,at\r\n"
                + "acme,2147483648,\"a, \"\"quoted\"\" value\",2024-03-01T10:00:00Z\r\n"
                + "globex,,,\r\n");
    QueryResult multiLine = new QueryResult(List.of("a,b"), List.of(List.of("x\ny")), false, 1);
    assertThat(multiLine.format(Format.CSV)).isEqualTo("\"a,b\"\r\n\"x\ny\"\r\n");
  }

  @Test
  void jsonLinesEscapeAndKeepTypes() {
    assertThat(MIXED.format(Format.JSON))
        .isEqualTo(
            "{\"tenant_id\":\"acme\",\"memory_p99\":2147483648,\"note\":\"a, \\\"quoted\\\" value\","
                + "\"at\":\"2024-03-01T10:00:00Z\"}\n"
                + "{\"tenant_id\":\"globex\",\"memory_p99\":null,\"note\":null,\"at\":null}\n");
    QueryResult nested =
        new QueryResult(
            List.of("m", "arr", "nan", "flag", "tab"),
            List.of(
                List.of(
                    Map.of("b", 2L, "a", 1L),
                    new String[] {"x", "y"},
                    Double.NaN,
                    true,
                    "a\tb\u0001")),
            false,
            1);
    assertThat(nested.format(Format.JSON))
        .isEqualTo(
            "{\"m\":{\"a\":1,\"b\":2},\"arr\":[\"x\",\"y\"],\"nan\":\"NaN\",\"flag\":true,"
                + "\"tab\":\"a\\tb\\u0001\"}\n");
    assertThat(new QueryResult(List.of("x"), List.of(), false, 1).format(Format.JSON)).isEmpty();
  }

  @Test
  void numbersPrintWithoutExponents() {
    assertThat(QueryResult.text(0.1)).isEqualTo("0.1");
    assertThat(QueryResult.text(3.0)).isEqualTo("3.0");
    assertThat(QueryResult.text(5.0e10)).isEqualTo("50000000000");
    assertThat(QueryResult.text(1.0e-9)).isEqualTo("0.000000001");
    assertThat(QueryResult.text(42L)).isEqualTo("42");
  }

  @Test
  void formatNamesParseCaseInsensitivelyAndRowsMustMatchColumns() {
    assertThat(Format.parse(" json ")).isEqualTo(Format.JSON);
    assertThatThrownBy(() -> new QueryResult(List.of("a", "b"), List.of(List.of(1)), false, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
