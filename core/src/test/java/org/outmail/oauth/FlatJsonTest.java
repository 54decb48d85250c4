package org.outmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlatJsonTest {
  @Test
  void readsTopLevelMembersAndSkipsNestedOnes() {
    assertThat(
        FlatJson.parse("{\"a\":\"x\\\"y\\u00e9\",\"n\":3600,\"o\":{\"k\":[1,{\"z\":\"}\"}]},\"b\":true,\"c\":null}"))
        .containsEntry("a", "x\"yé").containsEntry("n", "3600").containsEntry("b", "true")
        .doesNotContainKey("o").doesNotContainKey("c").doesNotContainKey("k");
  }

  @Test
  void notAnObjectGivesNothing() {
    assertThat(FlatJson.parse("<html>bad gateway</html>")).isEmpty();
    assertThat(FlatJson.parse("{\"a\":")).isEmpty();
    assertThat(FlatJson.parse(null)).isEmpty();
  }
}
