/**
 * Protocol {@code smtp}: sends through any SMTP server (Eclipse Angus Mail builds the MIME), over plain text,
 * implicit TLS or required STARTTLS, with no authentication, a password or XOAUTH2, on a small pool
 * of open connections per mailbox.
 *
 * <p>Only {@link org.outmail.smtp.SmtpTransportProvider} is public; it is found by {@link
 * java.util.ServiceLoader}, so putting this jar on the classpath is all a host does.
 */
@NullMarked
package org.outmail.smtp;

import org.jspecify.annotations.NullMarked;
