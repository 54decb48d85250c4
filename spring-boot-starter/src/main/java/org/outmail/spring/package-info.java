/**
 * Spring Boot auto-configuration for outmail: a {@link org.outmail.MailboxRegistry} bean from the
 * application's {@code outmail.*} properties, a health contributor that runs each mailbox's Check
 * (cached), and Micrometer metrics of every send.
 *
 * <p>Extension points: {@link org.outmail.spring.MailboxRegistryCustomizer} beans adjust the
 * registry's builder (mailboxes from a store, an outbox's listener); {@link
 * org.outmail.PostSendHook}, {@link org.outmail.RecipientDirectory}, {@link
 * org.outmail.SendListener}, {@link org.outmail.spi.TransportProvider}, {@link
 * org.outmail.oauth.TokenStore} and {@link org.outmail.oauth.AccessTokenProvider} beans are given
 * to the builder as they are.
 */
@NullMarked
package org.outmail.spring;

import org.jspecify.annotations.NullMarked;
