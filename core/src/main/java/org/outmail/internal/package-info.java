/**
 * The engine behind {@link org.outmail.MailboxRegistry} and {@link org.outmail.OutgoingMailer}: the
 * registry's snapshots and store following, the rules, the send pipeline's steps (recipient filter,
 * message factory, retrier, post-send hooks, asynchronous sends, send events), the properties
 * loader, address and IDNA checks, and the spelling suggestions of error messages.
 *
 * <p><b>Not API: hosts never import it; it may change in any release.</b> Its classes are public
 * only because {@code org.outmail} and outmail's own modules use them. No public or protected
 * signature of {@code org.outmail}, {@code org.outmail.spi} or {@code org.outmail.oauth} names a type
 * of this package, and {@code spi} and {@code oauth} do not use it; {@code ApiSurfaceTest} leaves it
 * out of the count of core's public surface.
 */
@NullMarked
package org.outmail.internal;

import org.jspecify.annotations.NullMarked;
