/**
 * A small ticket service on the outmail Spring Boot starter: {@link
 * org.outmail.examples.spring.SampleApplication} saves a ticket and queues its notification in one
 * transaction, delivered to an SMTP sink in the same process.
 */
@NullMarked
package org.outmail.examples.spring;

import org.jspecify.annotations.NullMarked;
