package org.outmail.spring;

import org.outmail.MailboxRegistry;

/**
 * Adjusts the {@link MailboxRegistry.Builder} of the auto-configured registry after the {@code
 * outmail.*} properties and the beans it picks up are given to it, just before {@code build()}:
 * mailboxes made in code or read from a store, an async pool size, a listener. Customizers run in
 * {@link org.springframework.core.annotation.Order order}. This is also how a module such as the
 * outbox or a mailbox store hooks into the starter's registry.
 *
 * <p>A customizer bean alone (without {@code outmail.*} keys) is enough for the registry to be
 * made.
 */
@FunctionalInterface
public interface MailboxRegistryCustomizer {
  /**
   * Customizes the builder.
   *
   * @param builder the registry's builder, with the properties' mailboxes and the beans added
   */
  void customize(MailboxRegistry.Builder builder);
}
