package org.outmail;

import java.util.Objects;

/** A post-send hook that threw: its name and what it said. The mail was sent regardless. */
public record HookFailure(String hook, String message, Throwable cause) {
  public HookFailure {
    Objects.requireNonNull(hook, "hook == null");
    Objects.requireNonNull(message, "message == null");
  }
}
