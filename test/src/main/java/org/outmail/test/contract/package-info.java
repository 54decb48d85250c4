/**
 * The contract every outmail transport proves: {@link org.outmail.test.contract.TransportContractTest},
 * a public abstract JUnit 5 test that a transport module extends with its own test server on
 * 127.0.0.1, and {@link org.outmail.test.contract.ReceivedMail}, what that server received.
 */
@NullMarked
package org.outmail.test.contract;

import org.jspecify.annotations.NullMarked;
