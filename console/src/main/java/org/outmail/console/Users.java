package org.outmail.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.outmail.Secret;

/**
 * The administrators who may log in. Passwords are kept only as PBKDF2 hashes, each with its own
 * salt; a login is compared in constant time, and an unknown user costs the same hash as a known
 * one.
 */
final class Users {
  private static final int ITERATIONS = 210_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Hash(byte[] salt, byte[] hash) {}

  private final Map<String, Hash> users = new LinkedHashMap<>();
  private final Hash nobody;

  Users(Map<String, Secret> credentials) {
    credentials.forEach((name, password) -> users.put(name, hash(password.value(), salt())));
    nobody = hash("no such user", salt());
  }

  boolean isEmpty() {
    return users.isEmpty();
  }

  boolean check(String name, String password) {
    Hash h = users.getOrDefault(name, nobody);
    boolean ok = MessageDigest.isEqual(hash(password, h.salt).hash, h.hash);
    return ok && users.containsKey(name);
  }

  private static byte[] salt() {
    byte[] s = new byte[16];
    RANDOM.nextBytes(s);
    return s;
  }

  private static Hash hash(String password, byte[] salt) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
      byte[] h = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      spec.clearPassword();
      return new Hash(salt, h);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
