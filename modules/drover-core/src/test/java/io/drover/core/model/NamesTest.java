package io.drover.core.model;

import static io.drover.core.Fixtures.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NamesTest {

  private static Map<String, String> tags(int count) {
    return IntStream.range(0, count).boxed().collect(Collectors.toMap(i -> "key-" + i, i -> "value"));
  }

  @Test
  void noTagsAreAnEmptyMap() {
    assertEquals(Map.of(), Names.tags(null, "tags"));
  }

  @Test
  void atMostFiftyTags() {
    assertEquals(tags(50), Names.tags(tags(50), "tags"));
    assertRejected(() -> Names.tags(tags(51), "tags"), "tags has 51 tags; at most 50");
  }

  @Test
  void keysAreUpTo128CharactersOfLettersNumbersSpacesAndSymbols() {
    Map<String, String> valid = Map.of("k".repeat(128), "v", "Cost Center_1.a:b/c=d+e-f@g", "v", "Größe", "v");
    assertEquals(valid, Names.tags(valid, "tags"));

    assertRejected(() -> Names.tags(Map.of("k".repeat(129), "v"), "tags"), "tags key", "is invalid");
    assertRejected(() -> Names.tags(Map.of("", "v"), "tags"), "tags key '' is invalid");
    assertRejected(() -> Names.tags(Map.of("a*b", "v"), "tags"), "tags key 'a*b' is invalid");
  }

  @Test
  void valuesAreUpTo256Characters() {
    assertEquals(Map.of("k", "v".repeat(256)), Names.tags(Map.of("k", "v".repeat(256)), "tags"));
    assertEquals(Map.of("k", ""), Names.tags(Map.of("k", ""), "tags"));
    assertRejected(() -> Names.tags(Map.of("k", "v".repeat(257)), "tags"), "tags value for 'k'", "256");
  }

  @Test
  void nullKeysAndValuesAreClientErrors() {
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("k", null);
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "v");

    assertRejected(() -> Names.tags(nullValue, "tags"), "tags value for 'k'");
    assertRejected(() -> Names.tags(nullKey, "tags"), "tags key 'null' is invalid");
  }

  @Test
  void theAwsPrefixIsReservedInAnyCase() {
    assertRejected(() -> Names.tags(Map.of("aws:createdBy", "me"), "tags"), "reserved prefix aws:");
    assertRejected(() -> Names.tags(Map.of("AWS:createdBy", "me"), "tags"), "reserved prefix aws:");
  }

  @Test
  void checkedTagsAreACopyThatCannotChange() {
    Map<String, String> input = new HashMap<>(Map.of("team", "data"));
    Map<String, String> checked = Names.tags(input, "tags");
    input.put("later", "x");

    assertEquals(Map.of("team", "data"), checked);
    assertThrows(UnsupportedOperationException.class, () -> checked.put("k", "v"));
  }

  @Test
  void theFieldIsNamedInEveryTagError() {
    assertRejected(() -> Names.tags(tags(51), "containerOverrides.tags"), "containerOverrides.tags has 51 tags");
  }
}
