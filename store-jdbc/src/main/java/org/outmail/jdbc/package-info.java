/**
 * outmail's mailboxes in a database: {@link org.outmail.jdbc.JdbcMailboxStore}, a {@link
 * org.outmail.MailboxStore} over JDBC (embedded in one SQLite file, PostgreSQL for several nodes;
 * the same SQL on both). Secrets are sealed with the host's {@link org.outmail.SecretsKey} before
 * they reach the database; registries on several nodes follow each other's changes by polling a
 * version.
 */
@NullMarked
package org.outmail.jdbc;

import org.jspecify.annotations.NullMarked;
