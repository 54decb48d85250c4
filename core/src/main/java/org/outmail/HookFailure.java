package org.outmail;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A post-send hook that threw: its name and what it said. The mail was sent regardless. */
public record HookFailure(String hook, String message, @Nullable Throwable cause) {
  /**
   * Creates the record of a hook's failure.
   *
   * @param hook the hook's name
   * @param message what the hook's exception said
   * @param cause the exception the hook threw, or {@code null}
   */
  public HookFailure {
    Objects.requireNonNull(hook, "hook == null");
    Objects.requireNonNull(message, "message == null");
  }
}
