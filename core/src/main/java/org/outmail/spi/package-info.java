/**
 * The transport SPI: a {@link org.outmail.spi.TransportProvider} (found by {@link
 * java.util.ServiceLoader} for a mailbox's protocol) makes the {@link
 * org.outmail.spi.MailTransport} that hands a mailbox's messages to its server. Nothing here
 * accepts or returns null unless its documentation says so.
 */
@NullMarked
package org.outmail.spi;

import org.jspecify.annotations.NullMarked;
