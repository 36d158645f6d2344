package io.drover.core.iam;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret access keys at rest under a master key, with AES-256-GCM, so that a copy of the
 * database or journal alone does not give the keys away. A sealed value reads
 * {@code v1:<base64 of a 12-byte random nonce, then the ciphertext and its 16-byte tag>}; the
 * {@code v1} names the scheme so that another can follow without ambiguity.
 *
 * <p>The master key never appears in a message. Instances are thread-safe.
 */
public final class SecretBox {

  private static final String PREFIX = "v1:";
  private static final String CIPHER = "AES/GCM/NoPadding";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String settingName;

  private SecretBox(byte[] key, String settingName) {
    this.key = new SecretKeySpec(key, "AES");
    this.settingName = settingName;
  }

  /**
   * A box for the master key {@code masterKeyBase64}: 32 bytes in standard base64.
   *
   * @param settingName where the key came from, e.g. {@code drover.iam.master-key}, to name in errors
   * @throws IllegalArgumentException naming {@code settingName} when the value is missing, not base64 or not 32 bytes
   */
  public static SecretBox fromBase64(String masterKeyBase64, String settingName) {
    String howTo = settingName + " must be " + KEY_BYTES + " random bytes in base64, e.g. the output of `openssl rand -base64 32`";
    if (masterKeyBase64 == null || masterKeyBase64.isBlank()) {
      throw new IllegalArgumentException(howTo + "; it is not set.");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(masterKeyBase64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(howTo + "; it is not valid base64.");
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(howTo + "; it decodes to " + key.length + " bytes.");
    }
    return new SecretBox(key, settingName);
  }

  /** A new random master key, in the base64 form {@link #fromBase64} reads. */
  public static String newMasterKeyBase64() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** {@code plaintext} encrypted under a fresh random nonce: {@code v1:<base64>}. */
  public String seal(String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] sealed = crypt(Cipher.ENCRYPT_MODE, nonce, plaintext.getBytes(UTF_8));
    return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
  }

  /**
   * The plaintext of a value {@link #seal} returned.
   *
   * @throws IllegalArgumentException when {@code sealed} is not of the form {@code v1:<base64>}
   * @throws IllegalStateException when it does not authenticate: sealed under another master key, or altered
   */
  public String open(String sealed) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("A sealed secret must start with " + PREFIX + "; this one does not.");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("A sealed secret must be " + PREFIX + " then base64; this one is not valid base64.");
    }
    if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException("A sealed secret holds at least a nonce and a tag; this one is too short.");
    }
    byte[] nonce = new byte[NONCE_BYTES];
    System.arraycopy(bytes, 0, nonce, 0, NONCE_BYTES);
    byte[] ciphertext = new byte[bytes.length - NONCE_BYTES];
    System.arraycopy(bytes, NONCE_BYTES, ciphertext, 0, ciphertext.length);
    return new String(crypt(Cipher.DECRYPT_MODE, nonce, ciphertext), UTF_8);
  }

  private byte[] crypt(int mode, byte[] nonce, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      return cipher.doFinal(input);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("A sealed secret does not open: the master key in " + settingName
          + " does not match the one it was sealed with, or the stored value was altered.");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(CIPHER + " failed in this JVM", e);
    }
  }
}
