/**
 * For the tests of applications that embed outmail: a {@link org.outmail.test.MailCapture} that
 * takes the place of every transport of the host's real registry and keeps each mail as a {@link
 * org.outmail.test.CapturedMail}; the JUnit 5 {@link org.outmail.test.OutmailExtension} that hands
 * it to each test, cleared; and {@link org.outmail.test.OutmailAssertions}.
 *
 * <p>{@link org.outmail.test.contract} holds the contract every transport proves.
 */
@NullMarked
package org.outmail.test;

import org.jspecify.annotations.NullMarked;
