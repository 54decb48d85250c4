/**
 * The service provider interface for transports and OAuth token sources.
 *
 * <p>A transport module registers a {@link org.outmail.spi.TransportProvider} in {@code
 * META-INF/services/org.outmail.spi.TransportProvider}; the registry finds it with {@link
 * java.util.ServiceLoader} by its {@link org.outmail.spi.TransportProvider#protocol() protocol}.
 * Everything a transport needs arrives in an {@link org.outmail.spi.OutgoingMessage} and a
 * {@link org.outmail.spi.TransportContext}: transports never reach back into the registry, and
 * this package names only value types of {@code org.outmail}, never the registry, the mailer or
 * the engine in {@code org.outmail.internal} (not API).
 */
@NullMarked
package org.outmail.spi;

import org.jspecify.annotations.NullMarked;
