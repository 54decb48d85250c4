package org.outmail.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.OutgoingMailer;

/**
 * What a registry serves at one moment: its mailboxes, the mailer of each OUT mailbox and the
 * default, from one version of its store. Immutable; a change replaces the whole snapshot.
 */
public final class RegistrySnapshot {
  public final long version;
  final List<Mailbox> mailboxes;
  public final Map<String, Mailbox> byId;
  final Map<String, OutgoingMailer> mailers;
  public final @Nullable String defaultId;

  RegistrySnapshot(long version, List<Mailbox> mailboxes, Map<String, OutgoingMailer> mailers,
      @Nullable String defaultId) {
    this.version = version;
    this.mailboxes = List.copyOf(mailboxes);
    Map<String, Mailbox> index = new LinkedHashMap<>();
    mailboxes.forEach(m -> index.put(m.id(), m));
    this.byId = Collections.unmodifiableMap(index);
    this.mailers = Collections.unmodifiableMap(new LinkedHashMap<>(mailers));
    this.defaultId = defaultId;
  }

  RegistrySnapshot withVersion(long v) {
    return new RegistrySnapshot(v, mailboxes, mailers, defaultId);
  }
}
