/**
 * Micrometer metrics of outmail's sends: {@link org.outmail.micrometer.OutmailMetrics}, a {@link
 * org.outmail.SendListener} that records into a {@code MeterRegistry}. Used by the Spring Boot
 * starter, and alone without Spring.
 */
@NullMarked
package org.outmail.micrometer;

import org.jspecify.annotations.NullMarked;
