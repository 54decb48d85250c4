package org.outmail.smtp;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A new DKIM key pair: the private key for {@code smtp.dkim.private-key} (PEM PKCS#8) and the DNS
 * TXT record that publishes the public key. {@code outmail dkim keygen} prints them; a host's own
 * tooling may use this class the same way. {@link #toString()} never shows the private key.
 */
public final class DkimKeyPair {
  private final DkimAlgorithm algorithm;
  private final String privateKeyPem;
  private final String dnsTxtValue;

  private DkimKeyPair(DkimAlgorithm algorithm, String privateKeyPem, String dnsTxtValue) {
    this.algorithm = algorithm;
    this.privateKeyPem = privateKeyPem;
    this.dnsTxtValue = dnsTxtValue;
  }

  /**
   * Generates a key pair.
   *
   * @param algorithm {@code rsa-sha256} (a 2048-bit RSA key) or {@code ed25519-sha256} (RFC 8463)
   * @return the pair
   * @throws IllegalArgumentException if the algorithm is neither
   */
  public static DkimKeyPair generate(String algorithm) {
    Objects.requireNonNull(algorithm, "algorithm == null");
    DkimAlgorithm a = DkimAlgorithm.of(algorithm);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(a.jca);
      if (a == DkimAlgorithm.RSA_SHA256) {
        g.initialize(2048);
      }
      KeyPair pair = g.generateKeyPair();
      return new DkimKeyPair(a, pem(pair.getPrivate().getEncoded()), txt(a, pair.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate " + a.jca + " keys", e);
    }
  }

  /**
   * The value of the DNS TXT record for a public key: {@code v=DKIM1; k=rsa; p=...} (the key's
   * SubjectPublicKeyInfo) or {@code v=DKIM1; k=ed25519; p=...} (the raw 32-byte key, RFC 8463).
   *
   * @param publicKey an RSA or Ed25519 public key
   * @return the record's value
   * @throws IllegalArgumentException for another kind of key
   */
  public static String dnsTxtValue(PublicKey publicKey) {
    Objects.requireNonNull(publicKey, "publicKey == null");
    String kind = publicKey.getAlgorithm();
    if (kind.equals("RSA")) {
      return txt(DkimAlgorithm.RSA_SHA256, publicKey);
    }
    if (kind.equals("Ed25519") || kind.equals("EdDSA")) {
      return txt(DkimAlgorithm.ED25519_SHA256, publicKey);
    }
    throw new IllegalArgumentException("a DKIM key is RSA or Ed25519, not " + kind);
  }

  /**
   * The DNS name the TXT record is published at.
   *
   * @param selector the selector, {@code smtp.dkim.selector}
   * @param domain the signing domain, {@code smtp.dkim.domain}
   * @return {@code SELECTOR._domainkey.DOMAIN}
   */
  public static String dnsName(String selector, String domain) {
    return selector + "._domainkey." + domain;
  }

  /** {@return the algorithm, {@code rsa-sha256} or {@code ed25519-sha256}} */
  public String algorithm() {
    return algorithm.tag;
  }

  /** {@return the private key as PEM PKCS#8: a secret, to keep in a file readable by the sender only} */
  public String privateKeyPem() {
    return privateKeyPem;
  }

  /** {@return the value of the DNS TXT record that publishes the public key} */
  public String dnsTxtValue() {
    return dnsTxtValue;
  }

  private static String txt(DkimAlgorithm a, PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (a == DkimAlgorithm.ED25519_SHA256) {
      // SubjectPublicKeyInfo of Ed25519 is a 12-byte prefix and the 32-byte key
      encoded = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }
    return "v=DKIM1; k=" + a.keyType + "; p=" + Base64.getEncoder().encodeToString(encoded);
  }

  private static String pem(byte[] der) {
    return DkimKey.BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n" + DkimKey.END
        + "\n";
  }

  @Override
  public String toString() {
    return "DkimKeyPair[" + algorithm.tag + ", " + dnsTxtValue + "]";
  }
}
