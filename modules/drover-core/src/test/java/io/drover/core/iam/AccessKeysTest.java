package io.drover.core.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessKeysTest {

  @Test
  void accessKeyIdsLookLikeAwsOnesAndDoNotRepeat() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = AccessKeys.newAccessKeyId();
      assertTrue(id.matches("AKIA[A-Z2-7]{16}"), id);
      assertTrue(AccessKeys.isValidAccessKeyId(id), id);
      ids.add(id);
    }

    assertEquals(10_000, ids.size());
  }

  @Test
  void secretAccessKeysAre40LettersAndDigitsAndDoNotRepeat() {
    Set<String> secrets = new HashSet<>();
    Set<Character> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String secret = AccessKeys.newSecretAccessKey();
      assertTrue(secret.matches("[A-Za-z0-9]{40}"), secret);
      secrets.add(secret);
      secret.chars().forEach(c -> seen.add((char) c));
    }

    assertEquals(10_000, secrets.size());
    assertEquals(62, seen.size(), "every letter and digit turns up");
  }

  @Test
  void theWholeIdAlphabetTurnsUp() {
    Set<Character> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      AccessKeys.newAccessKeyId().substring(4).chars().forEach(c -> seen.add((char) c));
    }

    assertEquals(32, seen.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "AKIA", "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLEE", "ASIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPL1",
      "akiaiosfodnn7example", "AKIAIOSFODNN7EXAMPL "})
  void otherShapesAreNotAccessKeyIds(String value) {
    assertFalse(AccessKeys.isValidAccessKeyId(value));
  }

  @Test
  void nullIsNotAnAccessKeyId() {
    assertFalse(AccessKeys.isValidAccessKeyId(null));
    assertTrue(AccessKeys.isValidAccessKeyId("AKIAIOSFODNN7EXAMPLE"));
  }
}
