/**
 * The embeddable admin console: {@link org.outmail.console.OutmailConsole#start} serves the grid
 * of mailboxes, the form, Check and Delete inside the host, on the JDK's HTTP server, behind a
 * login, with CSRF tokens, write-only secrets and a Content-Security-Policy.
 */
package org.outmail.console;
