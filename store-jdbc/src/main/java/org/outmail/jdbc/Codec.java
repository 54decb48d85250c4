package org.outmail.jdbc;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.outmail.MailException;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxStoreException;
import org.outmail.Secret;
import org.outmail.SecretsKey;
import org.outmail.Setting;
import org.outmail.TextForm;
import org.outmail.oauth.OAuthClient;

/**
 * A mailbox as two texts: its fields in the clear ({@link Mailbox#values()}) and its secrets, each
 * sealed with the host's key, bound to the mailbox id and the field. The secrets include a
 * transport's secret settings ({@code smtp.dkim.private-key}); one that an earlier version wrote
 * in the clear is still read (the builder takes it as a secret) and is sealed on the next save.
 */
final class Codec {
  /** Fields that are secrets: never read from the clear text, where a reference would be resolved. */
  private static final Set<String> SECRET_FIELDS = secretFields();

  private static final TextForm<Mailbox, Mailbox.Builder> FORM = Mailbox.textForm();

  private final SecretsKey key;

  Codec(SecretsKey key) {
    this.key = key;
  }

  String fields(Mailbox m) {
    return write(FORM.values(m));
  }

  String secrets(Mailbox m) {
    Map<String, String> sealed = new TreeMap<>();
    FORM.secrets(m).forEach((field, secret) -> sealed.put(field, key.seal(secret, context(m.id(), field))));
    return write(sealed);
  }

  Mailbox read(String id, String fields, String secrets) {
    Mailbox.Builder b;
    try {
      b = Mailbox.builder(id);
      for (Map.Entry<String, String> e : read(fields).entrySet()) {
        if (SECRET_FIELDS.contains(e.getKey())) {
          throw new MailboxStoreException(id, MailException.mailboxPrefix(id) + e.getKey()
              + " is in the clear in the store; a secret is only read sealed", null);
        }
        FORM.set(b, e.getKey(), e.getValue());
      }
    } catch (MailboxConfigException e) {
      throw new MailboxStoreException(id, MailException.mailboxPrefix(id) + "cannot be read from the store: "
          + e.getMessage(), e);
    }
    read(secrets).forEach((field, sealedText) -> {
      Secret s;
      try {
        s = key.open(sealedText, context(id, field));
      } catch (IllegalArgumentException e) {
        throw new MailboxStoreException(id, MailException.mailboxPrefix(id) + field + " " + e.getMessage(), null);
      }
      FORM.secret(b, field, s);
    });
    try {
      return b.build();
    } catch (MailboxConfigException e) {
      throw new MailboxStoreException(id, MailException.mailboxPrefix(id) + "cannot be read from the store: "
          + e.getMessage(), e);
    }
  }

  private static Set<String> secretFields() {
    Set<String> names = new HashSet<>();
    Mailbox.textForm().fields().stream().filter(Setting::secret).forEach(f -> names.add(f.name()));
    OAuthClient.textForm().fields().stream().filter(Setting::secret)
        .forEach(f -> names.add("oauth-client." + f.name()));
    return Set.copyOf(names);
  }

  private static String context(String id, String field) {
    return "outmail:mailbox:" + id + ":" + field;
  }

  private static String write(Map<String, String> values) {
    Properties p = new Properties();
    p.putAll(values);
    StringWriter out = new StringWriter();
    try {
      p.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder text = new StringBuilder();
    out.toString().lines().filter(l -> !l.startsWith("#")).sorted().forEach(l -> text.append(l).append('\n'));
    return text.toString();
  }

  private static Map<String, String> read(String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }
}
