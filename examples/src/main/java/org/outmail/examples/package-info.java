/**
 * outmail at work without writing code: {@link org.outmail.examples.Demo}, a one-command demo on an
 * SMTP server embedded in the process, and {@link org.outmail.examples.OutmailCli}, the {@code
 * outmail} command-line tool that lists, checks and tries the mailboxes of a configuration file.
 *
 * <p>{@link org.outmail.examples.AuditHook} is a post-send hook found by {@link
 * java.util.ServiceLoader}; everything else is package-private.
 */
@NullMarked
package org.outmail.examples;

import org.jspecify.annotations.NullMarked;
