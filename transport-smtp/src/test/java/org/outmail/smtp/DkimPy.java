package org.outmail.smtp;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An independent DKIM verifier: dkimpy (Debian's {@code python3-dkim}, with {@code python3-nacl}
 * for Ed25519) run by {@code src/test/resources/dkim/verify.py}, the public key given to it instead
 * of a DNS look-up.
 */
final class DkimPy {
  private static final String PYTHON = "/usr/bin/python3";

  /** What the verifier said: {@code pass}, or {@code fail: why}, and its log. */
  record Verdict(boolean pass, String output, String log) {}

  /** Whether dkimpy was found once already (the check costs a Python start). */
  private static volatile boolean installed;

  private DkimPy() {}

  /**
   * Verifies a message.
   *
   * @param message the message as received (no dot-stuffing)
   * @param dnsName where the record is looked up, {@code SELECTOR._domainkey.DOMAIN}
   * @param txt the record
   */
  static Verdict verify(Path message, String dnsName, String txt) throws IOException, InterruptedException {
    requireInstalled();
    Process p = new ProcessBuilder(PYTHON, script().toString(), message.toString(), dnsName, txt).start();
    byte[] out;
    byte[] err;
    // a 20 MB message: read both streams so neither fills its pipe
    var errReader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return p.getErrorStream().readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    });
    out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("dkimpy did not finish in 120 s");
    }
    err = errReader.join();
    String output = new String(out, StandardCharsets.UTF_8).strip();
    return new Verdict(p.exitValue() == 0 && output.equals("pass"), output, new String(err, StandardCharsets.UTF_8));
  }

  static Verdict verify(byte[] message, String dnsName, String txt) throws IOException, InterruptedException {
    Path file = Files.createTempFile("dkim-", ".eml");
    try {
      Files.write(file, message);
      return verify(file, dnsName, txt);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void requireInstalled() throws IOException, InterruptedException {
    if (installed) {
      return;
    }
    Process p;
    try {
      p = new ProcessBuilder(PYTHON, "-c", "import dkim, nacl").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("the DKIM tests verify with dkimpy: install Debian's python3, python3-dkim and "
          + "python3-nacl (./test.sh installs them): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("the DKIM tests verify with dkimpy: install Debian's python3-dkim and "
          + "python3-nacl (apt-get install python3-dkim python3-nacl; ./test.sh installs them): " + out.strip());
    }
    installed = true;
  }

  private static Path script() {
    try {
      return Path.of(DkimPy.class.getResource("/dkim/verify.py").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
