package org.outmail;

import com.google.re2j.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.outmail.internal.Access;
import org.outmail.internal.AsyncSends;
import org.outmail.internal.Mailers;
import org.outmail.internal.PreparedEmail;
import org.outmail.internal.StoreFollower;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;

/** The engine's access to this package's package-private members ({@link Access}); set once, when first used. */
final class ApiAccess extends Access {
  static {
    Access.set(new ApiAccess());
  }

  private ApiAccess() {}

  @Override
  public OutgoingMailer newMailer(Mailbox mailbox, TransportProvider provider, TransportContext context,
      @Nullable RecipientDirectory directory, List<PostSendHook> hooks, AsyncSends async,
      List<SendListener> listeners) {
    return new OutgoingMailer(mailbox, provider, context, directory, hooks, async, listeners);
  }

  @Override
  public void retire(OutgoingMailer mailer, Supplier<OutgoingMailer> next) {
    mailer.retire(next);
  }

  @Override
  public boolean drained(OutgoingMailer mailer) {
    return mailer.drained();
  }

  @Override
  public void close(OutgoingMailer mailer) {
    mailer.close();
  }

  @Override
  public PreparedEmail prepare(OutgoingMailer mailer, Email email) {
    return mailer.prepare(email);
  }

  @Override
  public MailboxRegistry newRegistry(Mailers mailers, StoreFollower follower, TokenStore tokenStore) {
    return new MailboxRegistry(mailers, follower, tokenStore);
  }

  @Override
  public SendEvent sendEvent(Mailbox mailbox, Optional<String> messageId, SendEvent.Outcome outcome,
      Duration duration, Map<String, BlockReason> blocked, int attempts, @Nullable SendResult result,
      @Nullable RuntimeException failure, TransportException.@Nullable Stage stage) {
    return new SendEvent(mailbox, messageId, outcome, duration, blocked, attempts, result, failure, stage);
  }

  @Override
  public SendResult withHookFailures(SendResult result, List<HookFailure> failures) {
    return result.withHookFailures(failures);
  }

  @Override
  public String uniqueId(Email email) {
    return email.uniqueId();
  }

  @Override
  public @Nullable Pattern excludePattern(Mailbox mailbox) {
    return mailbox.excludePattern();
  }

  @Override
  public Map<String, Secret> secretSettings(Mailbox mailbox) {
    return mailbox.secretSettings();
  }

  @Override
  public Set<String> settingKeys(Mailbox mailbox) {
    return mailbox.settingKeys();
  }

  @Override
  public boolean sameAs(Mailbox a, Mailbox b) {
    return a.sameAs(b);
  }

  @Override
  public String resolveFileReference(String text, Path base) {
    return Secret.resolveFileReference(text, base);
  }

  @Override
  public List<Mailbox> checkedForSaveAll(List<Mailbox> mailboxes) {
    return InMemoryMailboxStore.checkedForSaveAll(mailboxes);
  }

  @Override
  public boolean transportSecret(String key, Map<String, List<Setting>> transports) {
    return MailboxFields.transportSecret(key, transports);
  }

  @Override
  public Set<String> mailboxFieldNames() {
    return MailboxFields.FORM.names();
  }

  @Override
  public @Nullable Setting mailboxField(String name) {
    return MailboxFields.FORM.field(name);
  }

  @Override
  public String oauthClientField() {
    return MailboxFields.OAUTH_CLIENT;
  }

  @Override
  public MailboxConfigException configError(String mailboxId, String field, String problem) {
    return MailboxConfigException.of(mailboxId, field, problem);
  }

  @Override
  public String mailboxLabel(String mailboxId) {
    return MailException.mailboxLabel(mailboxId);
  }
}
