package org.outmail.spring;

import java.util.Map;

/**
 * A health reading independent of Spring Boot's health API, which moved between Boot 3
 * ({@code org.springframework.boot.actuate.health}) and Boot 4 ({@code
 * org.springframework.boot.health.contributor}): each line's indicator converts it.
 *
 * @param status {@code UP}, {@code DOWN} or {@code UNKNOWN}
 * @param details the details, in order
 */
record HealthReading(String status, Map<String, Object> details) {}
