package org.outmail.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.outmail.smtp.DkimKeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code outmail dkim keygen}: a DKIM key pair, the private key written to a file, the DNS record printed. */
@Command(name = "keygen", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = {
    "Generates a DKIM key pair: writes the private key (PEM PKCS#8) to a new file readable by its "
        + "owner only (mode 0600) and prints the DNS TXT record that publishes the public key, and the "
        + "mailbox settings that use the key."}, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:the key was written and the record printed",
            "2:usage error: missing or bad option, the file exists already or cannot be written"})
final class DkimKeygenCommand implements Callable<Integer> {
  private static final Pattern NAME = Pattern
      .compile("(?i)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

  @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The signing domain (d=): the From address's domain or a parent of it.") String domain;

  @Option(names = "--selector", required = true, paramLabel = "SELECTOR", description = "The selector (s=), e.g. outmail2026; the record goes at SELECTOR._domainkey.DOMAIN.") String selector;

  @Option(names = "--algorithm", paramLabel = "ALGORITHM", defaultValue = "rsa-sha256", description = "rsa-sha256 (a 2048-bit RSA key, understood by every verifier; the default) or ed25519-sha256 "
      + "(RFC 8463; sign with both where receivers lack it).") String algorithm;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write the private key; default SELECTOR._domainkey.DOMAIN.pem here. Never overwritten.")
  @Nullable Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName();
    if (!NAME.matcher(domain).matches() || !domain.contains(".")) {
      err.println(name + ": --domain '" + domain + "' is not a domain name such as example.com");
      return OutmailCli.USAGE;
    }
    if (!NAME.matcher(selector).matches()) {
      err.println(name + ": --selector '" + selector + "' is not a selector: letters, digits, '-', '_' and '.' only");
      return OutmailCli.USAGE;
    }
    DkimKeyPair pair;
    try {
      pair = DkimKeyPair.generate(algorithm);
    } catch (IllegalArgumentException e) {
      err.println(name + ": --algorithm " + e.getMessage());
      return OutmailCli.USAGE;
    }
    Path file = (out != null ? out : Path.of(DkimKeyPair.dnsName(selector, domain) + ".pem")).toAbsolutePath();
    try {
      write(file, pair.privateKeyPem());
    } catch (FileAlreadyExistsException e) {
      err.println(name + ": " + file + " exists already; a key is never overwritten (give another --out)");
      return OutmailCli.USAGE;
    } catch (IOException e) {
      err.println(name + ": cannot write " + file + ": " + e.getMessage());
      return OutmailCli.USAGE;
    }
    PrintWriter o = spec.commandLine().getOut();
    o.println("Wrote the " + pair.algorithm() + " private key to " + file + " (mode 0600; keep it secret).");
    o.println();
    o.println("Publish this DNS TXT record:");
    o.println(DkimKeyPair.dnsName(selector, domain) + ". IN TXT " + quoted(pair.dnsTxtValue()));
    o.println();
    o.println("Then give the mailbox (ID) these settings:");
    o.println("outmail.mailbox.ID.smtp.dkim.domain=" + domain);
    o.println("outmail.mailbox.ID.smtp.dkim.selector=" + selector);
    o.println("outmail.mailbox.ID.smtp.dkim.private-key=${file:" + file + "}");
    o.flush();
    return OutmailCli.OK;
  }

  /** Creates the file with mode 0600 from the start (where the file system has POSIX modes). */
  private static void write(Path file, String pem) throws IOException {
    byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
    if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    Files.write(file, bytes);
  }

  /** The value as quoted strings of at most 255 characters each, as a TXT record holds them. */
  static String quoted(String value) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < value.length(); i += 255) {
      parts.add("\"" + value.substring(i, Math.min(value.length(), i + 255)) + "\"");
    }
    return String.join(" ", parts);
  }
}
