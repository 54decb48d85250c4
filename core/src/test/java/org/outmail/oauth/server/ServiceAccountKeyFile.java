package org.outmail.oauth.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/** A Google service account key file as the Cloud console downloads it, with a fresh RSA key. */
public final class ServiceAccountKeyFile {
  private final Path file;
  private final KeyPair keys;
  private final String email;

  private ServiceAccountKeyFile(Path file, KeyPair keys, String email) {
    this.file = file;
    this.keys = keys;
    this.email = email;
  }

  /** Writes {@code dir/NAME.json} for {@code email}, naming {@code tokenUri}. */
  public static ServiceAccountKeyFile write(Path dir, String email, URI tokenUri) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair keys = g.generateKeyPair();
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(keys.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      String json = "{\n"
          + "  \"type\": \"service_account\",\n"
          + "  \"project_id\": \"outmail-test\",\n"
          + "  \"private_key_id\": \"0123456789abcdef\",\n"
          + "  \"private_key\": " + FlatObject.quote(pem) + ",\n"
          + "  \"client_email\": " + FlatObject.quote(email) + ",\n"
          + "  \"client_id\": \"104294925331788822467\",\n"
          + "  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n"
          + "  \"token_uri\": " + FlatObject.quote(tokenUri.toString()) + "\n"
          + "}\n";
      Path file = dir.resolve(email.substring(0, email.indexOf('@')) + ".json");
      Files.writeString(file, json, StandardCharsets.UTF_8);
      return new ServiceAccountKeyFile(file, keys, email);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@return the key file} */
  public Path file() {
    return file;
  }

  /** {@return the public key, for {@link AuthorizationServer#registerServiceAccount}} */
  public PublicKey publicKey() {
    return keys.getPublic();
  }

  /** {@return the service account's address} */
  public String email() {
    return email;
  }
}
