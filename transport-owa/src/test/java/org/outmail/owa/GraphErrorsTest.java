package org.outmail.owa;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GraphErrorsTest {
  @Test
  void retryAfterInSeconds() {
    assertThat(GraphErrors.retryAfter(Map.of("retry-after", Set.of("30")))).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retryAfterAsHttpDate() {
    String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(90));
    assertThat(GraphErrors.parseRetryAfter(in90s)).isBetween(Duration.ofSeconds(85), Duration.ofSeconds(91));
  }

  @Test
  void unreadableOrNegativeRetryAfterIsIgnored() {
    assertThat(GraphErrors.parseRetryAfter("soon")).isNull();
    assertThat(GraphErrors.parseRetryAfter("-5")).isNull();
    assertThat(GraphErrors.retryAfter(Map.of())).isNull();
  }
}
