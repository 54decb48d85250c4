package org.outmail.smtp;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A DKIM private key read from PEM (PKCS#8, {@code -----BEGIN PRIVATE KEY-----}): RSA or Ed25519.
 * The line breaks of the PEM may have been lost (a key pasted into a one-line field): the base64
 * between the markers is read whatever white space it holds. Never printed.
 *
 * @param key the private key
 * @param algorithm the algorithm its type signs with
 * @param bits the RSA modulus length; 256 for Ed25519
 */
record DkimKey(PrivateKey key, DkimAlgorithm algorithm, int bits) {
  static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  static final String END = "-----END PRIVATE KEY-----";
  private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem";

  /**
   * Reads a key.
   *
   * @param pem the PEM text
   * @return the key
   * @throws IllegalArgumentException saying what is wrong, never with the key's text
   */
  static DkimKey read(String pem) {
    String text = pem.strip();
    if (text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException("is an encrypted key; DKIM needs it unencrypted (keep the file readable by "
          + "this process only), " + CONVERT);
    }
    if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN OPENSSH PRIVATE KEY")
        || text.contains("BEGIN EC PRIVATE KEY")) {
      throw new IllegalArgumentException("is not a PKCS#8 key (" + BEGIN + "); " + CONVERT);
    }
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("is not a PEM private key: expected " + BEGIN + " ... " + END
          + " (outmail dkim keygen writes one)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end).replaceAll("\\s+", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not a readable PEM private key: its base64 is damaged");
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    try {
      PrivateKey k = KeyFactory.getInstance("RSA").generatePrivate(spec);
      return new DkimKey(k, DkimAlgorithm.RSA_SHA256, ((RSAPrivateKey) k).getModulus().bitLength());
    } catch (GeneralSecurityException | RuntimeException notRsa) {
      try {
        PrivateKey k = KeyFactory.getInstance("Ed25519").generatePrivate(spec);
        return new DkimKey(k, DkimAlgorithm.ED25519_SHA256, 256);
      } catch (GeneralSecurityException | RuntimeException notEd25519) {
        throw new IllegalArgumentException("is not a readable RSA or Ed25519 private key (PKCS#8)");
      }
    }
  }

  @Override
  public String toString() {
    return "DkimKey[" + algorithm.keyType + ", " + bits + " bits]";
  }
}
