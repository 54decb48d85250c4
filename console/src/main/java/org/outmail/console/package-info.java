/**
 * The admin console: the grid of mailboxes, the form, Check and Delete, with CSRF tokens,
 * write-only secrets and a Content-Security-Policy. A host mounts the {@link
 * org.outmail.console.ConsoleServlet} under a path of its own behind its own login, or {@link
 * org.outmail.console.OutmailConsole#start} runs it on an embedded Jetty 12 with a login of its own.
 */
@NullMarked
package org.outmail.console;

import org.jspecify.annotations.NullMarked;
