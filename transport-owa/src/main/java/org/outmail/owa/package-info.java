/**
 * Protocol {@code owa}: sends as a Microsoft 365 mailbox through Microsoft Graph's {@code sendMail},
 * with app-only tokens from msal4j.
 *
 * <p>{@link org.outmail.owa.OwaTransportProvider} is found by {@link java.util.ServiceLoader};
 * {@link org.outmail.owa.MsalTokenProvider} fetches tokens for every OAuth client of provider
 * {@code MICROSOFT}, also for SMTP mailboxes that authenticate with XOAUTH2. Everything else here
 * is package-private.
 */
@NullMarked
package org.outmail.owa;

import org.jspecify.annotations.NullMarked;
