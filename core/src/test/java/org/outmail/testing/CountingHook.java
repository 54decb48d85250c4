package org.outmail.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.PostSendHook;
import org.outmail.SentEmail;

/** A hook for core's tests, named {@code counting}, that counts its calls; a test makes its own. */
public final class CountingHook implements PostSendHook {
  public final AtomicInteger calls = new AtomicInteger();

  @Override
  public String name() {
    return "counting";
  }

  @Override
  public void afterSend(SentEmail sent) {
    calls.incrementAndGet();
  }
}
