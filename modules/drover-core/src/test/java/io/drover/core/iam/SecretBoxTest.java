package io.drover.core.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretBoxTest {

  private static final String SETTING = "drover.iam.master-key";
  private static final String MASTER_KEY = SecretBox.newMasterKeyBase64();
  private static final SecretBox BOX = SecretBox.fromBase64(MASTER_KEY, SETTING);

  @Property
  void whatIsSealedOpens(@ForAll String plaintext) {
    assertEquals(plaintext, BOX.open(BOX.seal(plaintext)));
  }

  @Test
  void aSealedValueIsV1ThenNonceCiphertextAndTag() {
    String secret = AccessKeys.newSecretAccessKey();

    String sealed = BOX.seal(secret);

    assertTrue(sealed.startsWith("v1:"), sealed);
    assertEquals(12 + secret.length() + 16, Base64.getDecoder().decode(sealed.substring(3)).length);
    assertFalse(sealed.contains(secret));
  }

  @Test
  void everySealTakesAFreshNonce() {
    Set<String> sealed = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      sealed.add(BOX.seal("same secret"));
    }

    assertEquals(1000, sealed.size());
  }

  @Test
  void anotherMasterKeyDoesNotOpenIt() {
    String sealed = BOX.seal("secret");
    SecretBox other = SecretBox.fromBase64(SecretBox.newMasterKeyBase64(), SETTING);

    IllegalStateException error = assertThrows(IllegalStateException.class, () -> other.open(sealed));

    assertTrue(error.getMessage().contains("the master key in drover.iam.master-key does not match the one it was sealed with"),
        error.getMessage());
  }

  @Test
  void anAlteredValueDoesNotOpen() {
    byte[] bytes = Base64.getDecoder().decode(BOX.seal("secret").substring(3));
    bytes[bytes.length - 1] ^= 1;

    assertThrows(IllegalStateException.class, () -> BOX.open("v1:" + Base64.getEncoder().encodeToString(bytes)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "secret", "v2:AAAA", "v1:not base64!", "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
  void somethingThatWasNeverSealedIsRefused(String value) {
    assertThrows(IllegalArgumentException.class, () -> BOX.open(value));
  }

  @Test
  void theMasterKeyMustBe32BytesOfBase64AndTheErrorNamesTheSetting() {
    String tooShort = Base64.getEncoder().encodeToString(new byte[31]);
    String tooLong = Base64.getEncoder().encodeToString(new byte[33]);
    for (String bad : new String[] {null, "", "  ", "not base64!", tooShort, tooLong}) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> SecretBox.fromBase64(bad, SETTING));
      assertTrue(error.getMessage().startsWith(SETTING + " must be 32 random bytes in base64"), error.getMessage());
      if (bad != null && !bad.isBlank()) {
        assertFalse(error.getMessage().contains(bad), "the key must not be echoed: " + error.getMessage());
      }
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretBox.fromBase64(tooShort, SETTING)).getMessage()
        .endsWith("it decodes to 31 bytes."));
  }

  @Test
  void surroundingWhitespaceOfTheMasterKeyIsIgnored() {
    String sealed = BOX.seal("secret");

    assertEquals("secret", SecretBox.fromBase64("  " + MASTER_KEY + "\n", SETTING).open(sealed));
  }

  @Test
  void newMasterKeysAre32RandomBytes() {
    String a = SecretBox.newMasterKeyBase64();
    String b = SecretBox.newMasterKeyBase64();

    assertEquals(32, Base64.getDecoder().decode(a).length);
    assertNotEquals(a, b);
  }
}
