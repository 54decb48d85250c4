/**
 * Benchmarks of outmail: a JMH benchmark of the send pipeline, throughput programs against raw
 * Angus Mail and Spring's mail sender, near and far, a memory check, and the outbox's enqueue and
 * drain rates. Not published.
 */
@NullMarked
package org.outmail.bench;

import org.jspecify.annotations.NullMarked;
