package org.outmail.smtp;

import java.util.Locale;

/** The DKIM signing algorithms: {@code rsa-sha256} (RFC 6376) and {@code ed25519-sha256} (RFC 8463). */
enum DkimAlgorithm {
  RSA_SHA256("rsa-sha256", "rsa", "RSA"), ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

  /** The name in the {@code a=} tag and in the {@code smtp.dkim.algorithm} setting. */
  final String tag;
  /** The key type in the DNS record's {@code k=} tag. */
  final String keyType;
  /** The JCA name of the key (and, for Ed25519, of the signature). */
  final String jca;

  DkimAlgorithm(String tag, String keyType, String jca) {
    this.tag = tag;
    this.keyType = keyType;
    this.jca = jca;
  }

  /** The algorithm named as in {@code a=}, any case, {@code _} for {@code -} accepted. */
  static DkimAlgorithm of(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    for (DkimAlgorithm a : values()) {
      if (a.tag.equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not rsa-sha256 or ed25519-sha256");
  }
}
