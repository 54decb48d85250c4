/**
 * outmail's mailboxes in a database: {@link org.outmail.jdbc.JdbcMailboxStore}, a {@link
 * org.outmail.MailboxStore} over JDBC (PostgreSQL for several nodes, H2 embedded; the SQL is
 * generic). Secrets are sealed with the host's {@link org.outmail.SecretsKey} before they reach the
 * database; registries on several nodes follow each other's changes by polling a version.
 */
package org.outmail.jdbc;
