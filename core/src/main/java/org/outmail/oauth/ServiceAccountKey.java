package org.outmail.oauth;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.outmail.BoundedFiles;

/**
 * A Google service account's JSON key ({@code client_email}, {@code private_key} as PKCS#8 PEM,
 * {@code token_uri}, {@code private_key_id}), and the RS256-signed JWT it makes for the JWT-bearer
 * grant (RFC 7523). Neither the key nor the file's content is ever printed.
 */
final class ServiceAccountKey {
  /** A service account key is a few KiB; nothing larger is read. */
  private static final int MAX_BYTES = 64 * 1024;
  /** How long an assertion is valid; Google accepts at most one hour. */
  static final long ASSERTION_SECONDS = 3600;
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final Path file;
  private final String clientEmail;
  private final @Nullable String clientId;
  private final @Nullable String keyId;
  private final @Nullable URI tokenUri;
  private final PrivateKey privateKey;

  private ServiceAccountKey(Path file, String clientEmail, @Nullable String clientId, @Nullable String keyId,
      @Nullable URI tokenUri, PrivateKey key) {
    this.file = file;
    this.clientEmail = clientEmail;
    this.clientId = clientId;
    this.keyId = keyId;
    this.tokenUri = tokenUri;
    this.privateKey = key;
  }

  /**
   * Reads a key file.
   *
   * @throws IllegalArgumentException saying what is wrong with the file, never its content
   */
  static ServiceAccountKey read(Path file) {
    String text;
    try {
      text = BoundedFiles.readUtf8(file, MAX_BYTES);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " " + BoundedFiles.problem(e));
    }
    Map<String, String> json = FlatJson.parse(text);
    String type = json.get("type");
    if (json.isEmpty() || (type != null && !type.equals("service_account"))) {
      throw new IllegalArgumentException(file + " is not a service account key (a JSON file of type service_account,"
          + " as the Google Cloud console downloads it)");
    }
    String email = json.get("client_email");
    String pem = json.get("private_key");
    if (email == null || email.isBlank()) {
      throw new IllegalArgumentException(file + " has no client_email");
    }
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException(file + " has no private_key");
    }
    URI tokenUri = null;
    if (json.get("token_uri") != null) {
      try {
        tokenUri = URI.create(json.get("token_uri"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " has a token_uri that is not a URL");
      }
    }
    return new ServiceAccountKey(file, email, json.get("client_id"), json.get("private_key_id"), tokenUri,
        privateKey(file, pem));
  }

  private static PrivateKey privateKey(Path file, String pem) {
    String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    if (pem.contains("BEGIN RSA PRIVATE KEY")) {
      throw new IllegalArgumentException(file + ": private_key is a PKCS#1 key; service account keys are PKCS#8"
          + " (-----BEGIN PRIVATE KEY-----)");
    }
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": private_key is not a PKCS#8 RSA private key in PEM form");
    }
  }

  Path file() {
    return file;
  }

  String clientEmail() {
    return clientEmail;
  }

  /** The service account's numeric client id if the file has one, else its e-mail address. */
  String clientId() {
    return clientId == null || clientId.isBlank() ? clientEmail : clientId;
  }

  /** The token endpoint the file names, or null. */
  @Nullable
  URI tokenUri() {
    return tokenUri;
  }

  /**
   * The signed assertion: issuer the service account, subject the user it acts for, audience the
   * token endpoint, the scopes, valid for an hour from {@code now}.
   */
  String assertion(String subject, List<String> scopes, URI audience, Instant now) {
    StringBuilder header = new StringBuilder("{\"alg\":\"RS256\",\"typ\":\"JWT\"");
    if (keyId != null && !keyId.isBlank()) {
      header.append(",\"kid\":").append(quote(keyId));
    }
    header.append('}');
    long iat = now.getEpochSecond();
    String claims = "{\"iss\":" + quote(clientEmail) + ",\"sub\":" + quote(subject) + ",\"scope\":"
        + quote(String.join(" ", scopes)) + ",\"aud\":" + quote(audience.toString()) + ",\"iat\":" + iat
        + ",\"exp\":" + (iat + ASSERTION_SECONDS) + "}";
    String signingInput = b64(header.toString()) + "." + b64(claims);
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(privateKey);
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64URL.encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new OAuthException("cannot sign with the service account key " + file + ": " + e.getClass().getSimpleName(),
          null, false, null);
    }
  }

  private static String b64(String json) {
    return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  @Override
  public String toString() {
    return "ServiceAccountKey[" + clientEmail + ", " + file + "]";
  }
}
