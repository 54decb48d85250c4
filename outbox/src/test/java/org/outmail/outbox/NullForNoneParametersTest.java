package org.outmail.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The enqueue methods document "null for none" for the idempotency key and "null for the mailbox's
 * default" for the priority: the declarations say so too, so that a null-checked host (NullAway,
 * Kotlin) may pass null.
 */
class NullForNoneParametersTest {
  @Test
  void everyEnqueueDeclaresItsIdempotencyKeyAndPriorityNullable() {
    List<Method> enqueues = Arrays.stream(Outbox.class.getMethods())
        .filter(m -> m.getName().equals("enqueue") || m.getName().equals("enqueueAll")).toList();
    assertThat(enqueues).hasSizeGreaterThanOrEqualTo(4);
    int checked = 0;
    for (Method m : enqueues) {
      Class<?>[] parameters = m.getParameterTypes();
      AnnotatedType[] types = m.getAnnotatedParameterTypes();
      for (int i = 0; i < parameters.length; i++) {
        if (parameters[i] == String.class || parameters[i] == Priority.class) {
          assertThat(types[i].isAnnotationPresent(Nullable.class)).as("parameter %d of %s", i, m).isTrue();
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(5);
  }
}
