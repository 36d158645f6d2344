package io.drover.core.iam;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * New access keys in AWS's shapes, so that SDKs, the CLI and tools that check the format take
 * them: an access key id is {@code AKIA} and 16 characters of {@code A-Z2-7} (20 in all), a secret
 * access key 40 characters. Both come from {@link SecureRandom}.
 */
public final class AccessKeys {

  public static final int ACCESS_KEY_ID_LENGTH = 20;
  public static final int SECRET_ACCESS_KEY_LENGTH = 40;

  private static final String PREFIX = "AKIA";
  private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final Pattern ACCESS_KEY_ID = Pattern.compile(PREFIX + "[A-Z2-7]{16}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private AccessKeys() {}

  /** A new access key id: {@code AKIA} and 16 random characters of {@code A-Z2-7} (80 bits). */
  public static String newAccessKeyId() {
    return PREFIX + random(ID_ALPHABET, ACCESS_KEY_ID_LENGTH - PREFIX.length());
  }

  /**
   * A new secret access key: 40 random characters of base64's letters and digits (about 238 bits).
   * Unlike AWS's, it leaves out {@code +} and {@code /}, so it needs no quoting or escaping in a
   * shell, a URL or a config file.
   */
  public static String newSecretAccessKey() {
    return random(SECRET_ALPHABET, SECRET_ACCESS_KEY_LENGTH);
  }

  /** Whether {@code value} has the shape of an access key id Drover issues. */
  public static boolean isValidAccessKeyId(String value) {
    return value != null && ACCESS_KEY_ID.matcher(value).matches();
  }

  private static String random(String alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet.charAt(RANDOM.nextInt(alphabet.length()));
    }
    return new String(out);
  }
}
