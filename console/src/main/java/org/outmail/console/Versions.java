package org.outmail.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.outmail.Mailbox;
import org.outmail.Secret;

/**
 * The version of a mailbox as a form read it: a keyed hash of its fields and secrets, carried by the
 * form, so that a save from a form read before someone else's save is refused instead of silently
 * undoing it. The key is random per console, so the version tells nothing about a secret. The
 * mailboxes behind recent versions are remembered, to show what changed.
 */
final class Versions {
  private static final int REMEMBERED = 1000;

  private record Seen(Map<String, String> values, Map<String, Secret> secrets) {}

  private final byte[] key = new byte[32];
  private final Map<String, Seen> seen = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
      return size() > REMEMBERED;
    }
  };

  Versions() {
    new SecureRandom().nextBytes(key);
  }

  /** {@return the mailbox's version, remembered so that a later change can be described} */
  String of(Mailbox m) {
    return of(Forms.MAILBOX.values(m), Forms.MAILBOX.secrets(m));
  }

  /** {@return the version of an object of these fields and secrets (an OAuth client), remembered as {@link #of(Mailbox)}} */
  String of(Map<String, String> values, Map<String, Secret> secrets) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(values).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    new TreeMap<>(secrets).forEach((k, v) -> text.append(k).append(":=").append(v.value()).append('\n'));
    String version;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      version = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text.toString()
          .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
    synchronized (seen) {
      seen.put(version, new Seen(Map.copyOf(values), Map.copyOf(secrets)));
    }
    return version;
  }

  /**
   * What differs between the mailbox a form read (by its version) and the mailbox now.
   *
   * @return one line per changed field ("Display Name was 'A', is now 'B'"; a secret "was changed");
   *     empty when the read version is no longer remembered
   */
  List<String> changes(String readVersion, Mailbox now) {
    return changes(readVersion, Forms.MAILBOX.values(now), Forms.MAILBOX.secrets(now));
  }

  /** What differs between the object a form read (by its version) and its fields and secrets now. */
  List<String> changes(String readVersion, Map<String, String> nowValues, Map<String, Secret> nowSecrets) {
    Seen before;
    synchronized (seen) {
      before = seen.get(readVersion);
    }
    List<String> out = new ArrayList<>();
    if (before == null) {
      return out;
    }
    Set<String> keys = new LinkedHashSet<>(before.values.keySet());
    keys.addAll(nowValues.keySet());
    for (String k : keys) {
      String a = before.values.get(k);
      String b = nowValues.get(k);
      if (!Objects.equals(a, b)) {
        out.add(FormLayout.label(k) + (a == null ? " was empty" : " was '" + a + "'")
            + (b == null ? ", is now empty" : ", is now '" + b + "'"));
      }
    }
    Set<String> secrets = new LinkedHashSet<>(before.secrets.keySet());
    secrets.addAll(nowSecrets.keySet());
    for (String k : secrets) {
      if (!Objects.equals(before.secrets.get(k), nowSecrets.get(k))) {
        out.add(FormLayout.label(k) + " was changed");
      }
    }
    return out;
  }
}
