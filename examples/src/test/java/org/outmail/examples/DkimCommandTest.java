package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DkimCommandTest {
  @TempDir Path dir;

  @RegisterExtension final SmtpServer server = new SmtpServer();

  @Test
  void keygenWritesAnOwnerOnlyKeyAndPrintsTheRecordOfItsPublicKey() throws Exception {
    Path key = dir.resolve("desk.pem");

    Cli cli = Cli.run("dkim", "keygen", "--domain", "example.com", "--selector", "s2026", "--out", key.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    String pem = Files.readString(key);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(cli.out()).doesNotContain(pem.substring(30, 90));
    Matcher record = Pattern.compile("(?m)^s2026\\._domainkey\\.example\\.com\\. IN TXT \"v=DKIM1; k=rsa; p=(.+)$")
        .matcher(cli.out());
    assertThat(record.find()).as(cli.out()).isTrue();
    String p = record.group(1).replaceAll("\"", "").replace(" ", "");
    assertThat(cli.out()).contains("outmail.mailbox.ID.smtp.dkim.private-key=${file:" + key.toAbsolutePath() + "}");

    // the record publishes the public half of the key written
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    byte[] pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(priv.getModulus(),
        priv.getPublicExponent())).getEncoded();
    assertThat(Base64.getDecoder().decode(p)).isEqualTo(pub);
  }

  @Test
  void keygenMakesEd25519KeysAndNeverOverwritesAFile() throws Exception {
    Path key = dir.resolve("ed.pem");
    Cli cli = Cli.run("dkim", "keygen", "--domain", "example.com", "--selector", "ed", "--algorithm", "ed25519-sha256",
        "--out", key.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("ed._domainkey.example.com. IN TXT \"v=DKIM1; k=ed25519; p=");
    String before = Files.readString(key);

    Cli again = Cli.run("dkim", "keygen", "--domain", "example.com", "--selector", "ed", "--out", key.toString());

    assertThat(again.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(again.err()).contains("exists already");
    assertThat(Files.readString(key)).isEqualTo(before);
  }

  @Test
  void keygenRefusesAnUnknownAlgorithmAndABadDomain() {
    Cli cli = Cli.run("dkim", "keygen", "--domain", "example.com", "--selector", "s", "--algorithm", "rsa-sha1",
        "--out", dir.resolve("x.pem").toString());
    assertThat(cli.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(cli.err()).contains("rsa-sha1").contains("rsa-sha256 or ed25519-sha256");
    assertThat(dir.resolve("x.pem")).doesNotExist();

    Cli domain = Cli.run("dkim", "keygen", "--domain", "not a domain", "--selector", "s");
    assertThat(domain.exitCode()).isEqualTo(OutmailCli.USAGE);
    assertThat(domain.err()).contains("--domain 'not a domain' is not a domain name");
  }

  @Test
  void checkSaysWhichMailboxSignsWithDkimAndWhichDoesNot() throws Exception {
    Path key = dir.resolve("support.pem");
    assertThat(Cli.run("dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--out", key.toString())
        .exitCode()).isZero();
    Path config = TestConfig.write(dir, server.port(),
        "outmail.mailbox.support.smtp.dkim.domain=example.com",
        "outmail.mailbox.support.smtp.dkim.selector=s1",
        "outmail.mailbox.support.smtp.dkim.private-key=${file:support.pem}");

    Cli cli = Cli.run("check", "--config", config.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).containsPattern("(?m)^support  OK .*; signs with DKIM as d=example.com, s=s1 "
        + "\\(rsa-sha256, 2048-bit key\\)");
    assertThat(cli.out()).containsPattern("(?m)^sales    OK .*; DKIM not configured");
    assertThat(cli.out()).doesNotContain("PRIVATE KEY");
  }
}
