package org.outmail.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.outmail.PostSendHook;
import org.outmail.SentEmail;

/** A hook found by ServiceLoader in core's tests, under the name {@code counting}. */
public final class CountingHook implements PostSendHook {
  public static final AtomicInteger CALLS = new AtomicInteger();

  @Override
  public String name() {
    return "counting";
  }

  @Override
  public void afterSend(SentEmail sent) {
    CALLS.incrementAndGet();
  }
}
