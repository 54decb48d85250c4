package org.outmail.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.Secret;
import org.outmail.Setting;
import org.outmail.spi.SettingValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mailbox's DKIM signing settings ({@code smtp.dkim.*}), read and checked: the signing domain
 * ({@code d=}), the selector ({@code s=}), the private key, the algorithm and the header fields
 * signed. Never printed with its key.
 */
record DkimSettings(String domain, String selector, DkimKey key, DkimAlgorithm algorithm, List<String> headers) {
  private static final Logger LOG = LoggerFactory.getLogger(DkimSettings.class);

  static final String DOMAIN = "dkim.domain";
  static final String SELECTOR = "dkim.selector";
  static final String PRIVATE_KEY = "dkim.private-key";
  static final String ALGORITHM = "dkim.algorithm";
  static final String HEADERS = "dkim.headers";
  static final String DEFAULT_HEADERS = "from,to,cc,reply-to,subject,date,message-id,in-reply-to,references,"
      + "mime-version,content-type,content-transfer-encoding";

  static final List<Setting> SETTINGS = List.of(
      Setting.builder(DOMAIN, Setting.Type.TEXT)
          .help("DKIM: the signing domain (d=), the From address's domain or a parent of it so that DMARC aligns; "
              + "with it, every mail of the mailbox is signed.")
          .build(),
      Setting.builder(SELECTOR, Setting.Type.TEXT)
          .help("DKIM: the selector (s=); the public key is published as TXT record SELECTOR._domainkey.DOMAIN "
              + "(outmail dkim keygen prints it).")
          .build(),
      Setting.builder(PRIVATE_KEY, Setting.Type.SECRET)
          .help("DKIM: the private key, PEM PKCS#8 (BEGIN PRIVATE KEY), RSA (2048 bits or more) or Ed25519, "
              + "unencrypted; normally ${file:/etc/outmail/dkim.pem}.")
          .build(),
      Setting.builder(ALGORITHM, Setting.Type.TEXT)
          .help("DKIM: rsa-sha256 or ed25519-sha256 (RFC 8463); by default the one the key's type signs with.").build(),
      Setting.builder(HEADERS, Setting.Type.LIST).defaultValue(DEFAULT_HEADERS)
          .help("DKIM: the header fields signed, those present in each mail; From is always signed. "
              + "Canonicalization is relaxed/relaxed.")
          .build());

  private static final Pattern DOMAIN_NAME = Pattern
      .compile("(?i)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
  private static final Pattern HEADER_NAME = Pattern.compile("[!-9;-~]+");

  /**
   * The mailbox's DKIM settings, checked; empty when it sets none. Logs nothing: {@link #warn} says
   * what is weak, once per mailbox build. {@link SmtpOptions#dkim} reads them from a mailbox.
   *
   * @param id the mailbox's id, for the messages
   * @param v the mailbox's {@code smtp.*} settings, read against every setting of the protocol
   * @throws MailboxConfigException naming the key: a domain without selector or key, a key
   *     without domain, an unreadable or encrypted key, an RSA key under 1,024 bits, an algorithm
   *     the key does not sign with
   */
  static Optional<DkimSettings> of(String id, SettingValues v) {
    Optional<String> domain = v.text(DOMAIN);
    Optional<String> selector = v.text(SELECTOR);
    Optional<Secret> keySecret = v.secret(PRIVATE_KEY);
    Optional<String> algorithmText = v.text(ALGORITHM);
    if (domain.isEmpty()) {
      for (String other : List.of(SELECTOR, PRIVATE_KEY, ALGORITHM)) {
        if (other.equals(PRIVATE_KEY) ? keySecret.isPresent() : v.text(other).isPresent()) {
          throw fail(id, DOMAIN, "is required with smtp." + other + " (the signing domain, d=)");
        }
      }
      return Optional.empty();
    }
    String d = domain.get().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (!DOMAIN_NAME.matcher(d).matches() || !d.contains(".")) {
      throw fail(id, DOMAIN, "'" + domain.get() + "' is not a domain name such as example.com");
    }
    String s = selector.orElseThrow(() -> fail(id, SELECTOR, "is required with smtp.dkim.domain (the selector, s=; "
        + "the public key is published at SELECTOR._domainkey." + domain.get() + ")"));
    if (!DOMAIN_NAME.matcher(s).matches()) {
      throw fail(id, SELECTOR, "'" + s + "' is not a selector: letters, digits, '-', '_' and '.' only");
    }
    Secret secret = keySecret.orElseThrow(() -> fail(id, PRIVATE_KEY, "is required with smtp.dkim.domain: a PEM PKCS#8 "
        + "private key, normally ${file:/path/dkim.pem} (outmail dkim keygen writes one)"));
    DkimKey key;
    try {
      key = DkimKey.read(secret.value());
    } catch (IllegalArgumentException e) {
      throw fail(id, PRIVATE_KEY, String.valueOf(e.getMessage()));
    }
    if (key.algorithm() == DkimAlgorithm.RSA_SHA256 && key.bits() < 1024) {
      throw fail(id, PRIVATE_KEY, "is an RSA key of " + key.bits() + " bits; verifiers ignore signatures by keys under "
          + "1024 bits (RFC 8301): use 2048 bits");
    }
    DkimAlgorithm algorithm = key.algorithm();
    if (algorithmText.isPresent()) {
      try {
        algorithm = DkimAlgorithm.of(algorithmText.get());
      } catch (IllegalArgumentException e) {
        throw fail(id, ALGORITHM, String.valueOf(e.getMessage()));
      }
      if (algorithm != key.algorithm()) {
        throw fail(id, ALGORITHM, "is " + algorithm.tag + " but smtp.dkim.private-key is an " + key.algorithm().keyType
            + " key, which signs with " + key.algorithm().tag);
      }
    }
    List<String> headers = new ArrayList<>();
    headers.add("from");
    for (String h : v.list(HEADERS)) {
      String name = h.toLowerCase(Locale.ROOT);
      if (!HEADER_NAME.matcher(name).matches()) {
        throw fail(id, HEADERS, "'" + h + "' is not a header field name");
      }
      if (name.equals("dkim-signature")) {
        throw fail(id, HEADERS, "must not name DKIM-Signature");
      }
      if (!headers.contains(name)) {
        headers.add(name);
      }
    }
    return Optional.of(new DkimSettings(d, s, key, algorithm, List.copyOf(headers)));
  }

  /** Logs what works but is weak: an RSA key under 2,048 bits, a domain DMARC does not align with. */
  void warn(Mailbox mailbox) {
    String id = mailbox.id();
    if (key.algorithm() == DkimAlgorithm.RSA_SHA256 && key.bits() < 2048) {
      LOG.warn("mailbox '{}': smtp.dkim.private-key is an RSA key of {} bits; use 2048 bits (RFC 8301), some "
          + "receivers treat shorter keys as no signature", id, key.bits());
    }
    String from = mailbox.emailDisplay();
    if (from != null && !aligned(domain, from)) {
      LOG.warn("mailbox '{}': smtp.dkim.domain {} is neither the From domain {} nor a parent of it: the signature "
          + "verifies but DMARC alignment fails", id, domain, from.substring(from.lastIndexOf('@') + 1));
    }
  }

  /** {@return whether the signing domain is the From address's domain or a parent of it} */
  static boolean aligned(String domain, String fromAddress) {
    String fromDomain = fromAddress.substring(fromAddress.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    return fromDomain.equals(domain) || fromDomain.endsWith("." + domain);
  }

  private static MailboxConfigException fail(String id, String name, String problem) {
    String key = "smtp." + name;
    return new MailboxConfigException(id, key, MailException.mailboxPrefix(id) + key + " " + problem);
  }

  @Override
  public String toString() {
    return "DkimSettings[d=" + domain + ", s=" + selector + ", " + algorithm.tag + ", " + key + ", h=" + headers + "]";
  }
}
