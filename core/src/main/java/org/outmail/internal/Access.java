package org.outmail.internal;

import com.google.re2j.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.outmail.BlockReason;
import org.outmail.Email;
import org.outmail.HookFailure;
import org.outmail.Mailbox;
import org.outmail.MailboxConfigException;
import org.outmail.MailboxRegistry;
import org.outmail.OutgoingMailer;
import org.outmail.PostSendHook;
import org.outmail.RecipientDirectory;
import org.outmail.Secret;
import org.outmail.SendEvent;
import org.outmail.SendListener;
import org.outmail.SendResult;
import org.outmail.TransportException;
import org.outmail.Setting;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.TransportContext;
import org.outmail.spi.TransportProvider;

/**
 * What the engine reaches in {@code org.outmail} that hosts do not: constructors and
 * package-private members of the API's classes. The one instance is set once, from {@code
 * org.outmail}, when that package's access class is first used; the API's types keep these members
 * package-private instead of public. Not API: it may change in any release.
 */
public abstract class Access {
  private static volatile @Nullable Access instance;

  /**
   * Returns the access to {@code org.outmail}'s package-private members.
   *
   * @return the access to {@code org.outmail}'s package-private members
   */
  public static Access get() {
    Access a = instance;
    if (a == null) {
      try {
        // its static initializer calls set(...)
        Class.forName("org.outmail.ApiAccess", true, Access.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("org.outmail.ApiAccess is missing from outmail-core", e);
      }
      a = Objects.requireNonNull(instance, "org.outmail.ApiAccess did not set the engine's access");
    }
    return a;
  }

  /**
   * Called once, by {@code org.outmail}'s access class.
   *
   * @param access the access
   */
  public static synchronized void set(Access access) {
    if (instance != null || !access.getClass().getName().equals("org.outmail.ApiAccess")) {
      throw new IllegalStateException("the access to org.outmail is set once, by org.outmail");
    }
    instance = access;
  }

  /**
   * Returns a mailer for an OUT mailbox.
   *
   * @param mailbox the mailbox
   * @param provider its protocol's provider
   * @param context its transport's context
   * @param directory the registry's recipient directory, or null
   * @param hooks the mailbox's hooks
   * @param async the registry's executor
   * @param listeners the registry's listeners
   * @return a mailer for an OUT mailbox
   */
  public abstract OutgoingMailer newMailer(Mailbox mailbox, TransportProvider provider, TransportContext context,
      @Nullable RecipientDirectory directory, List<PostSendHook> hooks, AsyncSends async, List<SendListener> listeners);

  /**
   * Sends that start from now on go to {@code next}; closes the mailer once the ones running end.
   *
   * @param mailer the mailer
   * @param next its successor
   */
  public abstract void retire(OutgoingMailer mailer, Supplier<OutgoingMailer> next);

  /**
   * Returns whether a retired mailer has no send running and is closed.
   *
   * @param mailer the mailer
   * @return whether a retired mailer has no send running and is closed
   */
  public abstract boolean drained(OutgoingMailer mailer);

  /**
   * Closes the mailer's transport.
   *
   * @param mailer the mailer
   */
  public abstract void close(OutgoingMailer mailer);

  /**
   * Returns what a send of the email would use, nothing sent.
   *
   * @param mailer the mailer
   * @param email the email
   * @return what a send of the email would use, nothing sent
   */
  public abstract PreparedEmail prepare(OutgoingMailer mailer, Email email);

  /**
   * Returns the registry.
   *
   * @param mailers its mailers
   * @param follower its store's follower
   * @param tokenStore its token store
   * @return the registry
   */
  public abstract MailboxRegistry newRegistry(Mailers mailers, StoreFollower follower, TokenStore tokenStore);

  /**
   * Returns the event of a send's end.
   *
   * @param mailbox the mailbox
   * @param messageId the mail's Message-ID, when it got one
   * @param outcome how it ended
   * @param duration how long it took
   * @param blocked blocked recipients
   * @param attempts the attempts
   * @param result the result, or null
   * @param failure the failure, or null
   * @param stage the stage that failed, or null
   * @return the event of a send's end
   */
  public abstract SendEvent sendEvent(Mailbox mailbox, Optional<String> messageId, SendEvent.Outcome outcome,
      Duration duration, Map<String, BlockReason> blocked, int attempts, @Nullable SendResult result,
      @Nullable RuntimeException failure, TransportException.@Nullable Stage stage);

  /**
   * Returns the result with the hooks' failures.
   *
   * @param result the result
   * @param failures the failures
   * @return the result with the hooks' failures
   */
  public abstract SendResult withHookFailures(SendResult result, List<HookFailure> failures);

  /**
   * Returns the unique part of the email's Message-ID.
   *
   * @param email the email
   * @return the unique part of the email's Message-ID
   */
  public abstract String uniqueId(Email email);

  /**
   * Returns the mailbox's compiled exclude expression, or null.
   *
   * @param mailbox the mailbox
   * @return the mailbox's compiled exclude expression, or null
   */
  public abstract @Nullable Pattern excludePattern(Mailbox mailbox);

  /**
   * Returns the mailbox's secret transport settings.
   *
   * @param mailbox the mailbox
   * @return the mailbox's secret transport settings
   */
  public abstract Map<String, Secret> secretSettings(Mailbox mailbox);

  /**
   * Returns the keys of the mailbox's transport settings, secret ones too.
   *
   * @param mailbox the mailbox
   * @return the keys of the mailbox's transport settings, secret ones too
   */
  public abstract Set<String> settingKeys(Mailbox mailbox);

  /**
   * Returns whether two mailboxes have the same fields and secrets.
   *
   * @param a one
   * @param b the other
   * @return whether two mailboxes have the same fields and secrets
   */
  public abstract boolean sameAs(Mailbox a, Mailbox b);

  /**
   * Returns a {@code ${file:...}} reference resolved against a base folder.
   *
   * @param text the text
   * @param base the folder
   * @return a {@code ${file:...}} reference resolved against a base folder
   */
  public abstract String resolveFileReference(String text, Path base);

  /**
   * Returns the mailboxes of a saveAll, checked.
   *
   * @param mailboxes the mailboxes
   * @return the mailboxes of a saveAll, checked
   */
  public abstract List<Mailbox> checkedForSaveAll(List<Mailbox> mailboxes);

  /**
   * Returns whether a mailbox's transport setting is secret.
   *
   * @param key the key
   * @param transports the transports' settings by protocol
   * @return whether a mailbox's transport setting is secret
   */
  public abstract boolean transportSecret(String key, Map<String, List<Setting>> transports);

  /**
   * Returns the names of a mailbox's fields in its text form.
   *
   * @return the names of a mailbox's fields in its text form
   */
  public abstract Set<String> mailboxFieldNames();

  /**
   * Returns the mailbox's field of this name in its text form, or null.
   *
   * @param name the name
   * @return the mailbox's field of this name in its text form, or null
   */
  public abstract @Nullable Setting mailboxField(String name);

  /**
   * Returns the text form's key of a mailbox's OAuth client.
   *
   * @return the text form's key of a mailbox's OAuth client
   */
  public abstract String oauthClientField();

  /**
   * Returns a configuration error about a mailbox's field.
   *
   * @param mailboxId the mailbox
   * @param field the field
   * @param problem the problem
   * @return a configuration error about a mailbox's field
   */
  public abstract MailboxConfigException configError(String mailboxId, String field, String problem);

  /**
   * Returns a mailbox's name in a message: {@code mailbox 'id'}.
   *
   * @param mailboxId the mailbox
   * @return a mailbox's name in a message: {@code mailbox 'id'}
   */
  public abstract String mailboxLabel(String mailboxId);
}
