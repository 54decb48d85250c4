package org.outmail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key the host supplies to encrypt secrets at rest (passwords, client secrets, refresh tokens in
 * a database): AES-GCM from the JDK, a fresh 96-bit nonce per value, and the value's place (say,
 * {@code mailbox:support:password}) bound in as associated data, so a sealed value copied to
 * another mailbox or field does not decrypt.
 *
 * <p>A sealed value reads {@code v1:KEYID:BASE64}; {@code KEYID} ({@link #id()}) names the key
 * without revealing it, so that a value sealed with another key is reported as such rather than as
 * damage. Keep the key outside the database: an environment variable or a file, {@code
 * SecretsKey.of(Secret.env("OUTMAIL_SECRETS_KEY"))}. Make one with {@link #generate()}.
 */
public final class SecretsKey {
  private static final String VERSION = "v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String id;

  private SecretsKey(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
    this.id = fingerprint(key);
  }

  /**
   * A key from its bytes.
   *
   * @param key 16, 24 or 32 bytes (AES-128, -192 or -256); copied
   * @return the key
   * @throws IllegalArgumentException for another length
   */
  public static SecretsKey of(byte[] key) {
    Objects.requireNonNull(key, "key == null");
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException(
          "a secrets key is 16, 24 or 32 bytes (AES-128, -192, -256), was " + key.length);
    }
    return new SecretsKey(key.clone());
  }

  /**
   * A key written in Base64, as {@link #generate()} makes it, from wherever the host keeps it.
   *
   * @param base64 the key in Base64, as a secret ({@code Secret.env("OUTMAIL_SECRETS_KEY")})
   * @return the key
   * @throws IllegalArgumentException if it is not Base64 of 16, 24 or 32 bytes (the message does not
   *     show the text)
   */
  public static SecretsKey of(Secret base64) {
    Objects.requireNonNull(base64, "base64 == null");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.value().strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a secrets key is written in Base64 (make one with SecretsKey.generate()); "
          + "the one given from " + base64.source() + " is not Base64");
    }
    return of(bytes);
  }

  /** {@return a new random 256-bit key, in Base64: what {@link #of(Secret)} reads} */
  public static String generate() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /** {@return the key's fingerprint: eight hex digits that name it without revealing it} */
  public String id() {
    return id;
  }

  /**
   * Seals a secret.
   *
   * @param secret the secret
   * @param context where the value is kept, e.g. {@code mailbox:support:password}; the same text is
   *     needed to open it
   * @return {@code v1:KEYID:BASE64}
   */
  public String seal(Secret secret, String context) {
    Objects.requireNonNull(secret, "secret == null");
    Objects.requireNonNull(context, "context == null");
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(secret.value().getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
      return VERSION + ":" + id + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }

  /**
   * Opens a value {@link #seal} made.
   *
   * @param sealed {@code v1:KEYID:BASE64}
   * @param context the text it was sealed with
   * @return the secret
   * @throws IllegalArgumentException saying why, without any part of the secret: not a sealed value,
   *     sealed with another key (naming both keys' ids), or altered or moved from another place
   */
  public Secret open(String sealed, String context) {
    Objects.requireNonNull(sealed, "sealed == null");
    Objects.requireNonNull(context, "context == null");
    String[] parts = sealed.split(":", 3);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new IllegalArgumentException("is not a value sealed by outmail (v1:KEYID:BASE64)");
    }
    if (!parts[1].equals(id)) {
      throw new IllegalArgumentException("was encrypted with the secrets key " + parts[1]
          + ", but the key given is " + id + "; give the key it was written with");
    }
    byte[] all;
    try {
      all = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is damaged: not Base64");
    }
    if (all.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException("is damaged: too short");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] plain = c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      String value = new String(plain, StandardCharsets.UTF_8);
      Arrays.fill(plain, (byte) 0);
      return Secret.of(value);
    } catch (AEADBadTagException e) {
      throw new IllegalArgumentException("does not decrypt with the secrets key " + id
          + ": it was altered, or copied from another place than " + context);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }

  private static String fingerprint(byte[] key) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update("outmail secrets key".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest(key), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "SecretsKey[id=" + id + "]";
  }
}
