package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Hosts never have to import {@code org.outmail.internal}: no type a host can name in {@code
 * org.outmail}, {@code org.outmail.spi} or {@code org.outmail.oauth} extends or implements an
 * internal type, and no public (or, in a non-final class, protected) method, constructor or field
 * of one takes, returns, throws or holds one, generics included. Read from the compiled classes.
 */
class InternalIsNotApiTest {
  private static final String INTERNAL = "org.outmail.internal";

  @Test
  void noPublicSignatureOfTheApiPackagesNamesAnInternalType() throws Exception {
    List<Class<?>> api = apiClasses();
    assertThat(api).as("the API's classes were found").hasSizeGreaterThan(40)
        .anyMatch(c -> c == MailboxRegistry.class).anyMatch(c -> c == OutgoingMailer.class);
    List<String> exposed = new ArrayList<>();
    for (Class<?> c : api) {
      List<Type> supers = new ArrayList<>(List.of(c.getGenericInterfaces()));
      if (c.getGenericSuperclass() != null) {
        supers.add(c.getGenericSuperclass());
      }
      for (Type t : supers) {
        if (namesInternal(t, new HashSet<>())) {
          exposed.add(c.getName() + " extends/implements " + t.getTypeName());
        }
      }
      List<Member> members = new ArrayList<>();
      members.addAll(List.of(c.getDeclaredMethods()));
      members.addAll(List.of(c.getDeclaredConstructors()));
      members.addAll(List.of(c.getDeclaredFields()));
      for (Member m : members) {
        int mod = m.getModifiers();
        boolean callable = Modifier.isPublic(mod) || (Modifier.isProtected(mod) && !Modifier.isFinal(c.getModifiers()));
        if (!callable || m.isSynthetic()) {
          continue;
        }
        for (Type t : signature(m)) {
          if (namesInternal(t, new HashSet<>())) {
            exposed.add(c.getName() + "." + m.getName() + " names " + t.getTypeName());
          }
        }
      }
    }
    assertThat(exposed).as("public signatures of the API packages that name org.outmail.internal").isEmpty();
  }

  @Test
  void theEnginesAccessToTheApiPackageIsSetOnceByThatPackage() {
    org.outmail.internal.Access access = org.outmail.internal.Access.get();
    assertThat(access.getClass().getName()).isEqualTo("org.outmail.ApiAccess");
    assertThat(Modifier.isPublic(access.getClass().getModifiers())).as("hosts cannot name it").isFalse();
    assertThat(org.outmail.internal.Access.get()).isSameAs(access);
    assertThatThrownBy(() -> org.outmail.internal.Access.set(access)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("set once");
  }

  @Test
  void theCheckSeesAnInternalTypeInAGenericSignature() throws Exception {
    // the check itself: a list of an internal type, a bound, an array
    Method m = Probe.class.getDeclaredMethod("prepared");
    assertThat(namesInternal(m.getGenericReturnType(), new HashSet<>())).isTrue();
    assertThat(namesInternal(Probe.class.getDeclaredMethod("bounded").getGenericReturnType(), new HashSet<>()))
        .isTrue();
    assertThat(namesInternal(Probe.class.getDeclaredMethod("array").getGenericReturnType(), new HashSet<>())).isTrue();
    assertThat(namesInternal(Probe.class.getDeclaredMethod("plain").getGenericReturnType(), new HashSet<>())).isFalse();
  }

  @SuppressWarnings("unused")
  private interface Probe {
    List<org.outmail.internal.PreparedEmail> prepared();

    <T extends org.outmail.internal.Access> List<? super T> bounded();

    org.outmail.internal.Access[] array();

    List<? extends Mailbox> plain();
  }

  private static List<Type> signature(Member m) {
    List<Type> types = new ArrayList<>();
    if (m instanceof Field f) {
      types.add(f.getGenericType());
    } else if (m instanceof Executable e) {
      types.addAll(List.of(e.getGenericParameterTypes()));
      types.addAll(List.of(e.getGenericExceptionTypes()));
      types.addAll(List.of(e.getTypeParameters()));
      if (e instanceof Method method) {
        types.add(method.getGenericReturnType());
      }
    }
    return types;
  }

  private static boolean namesInternal(Type t, Set<Type> seen) {
    if (!seen.add(t)) {
      return false;
    }
    if (t instanceof Class<?> c) {
      return c.isArray() ? namesInternal(c.getComponentType(), seen) : c.getPackageName().equals(INTERNAL);
    }
    if (t instanceof ParameterizedType p) {
      if (namesInternal(p.getRawType(), seen)) {
        return true;
      }
      for (Type a : p.getActualTypeArguments()) {
        if (namesInternal(a, seen)) {
          return true;
        }
      }
      return p.getOwnerType() != null && namesInternal(p.getOwnerType(), seen);
    }
    if (t instanceof GenericArrayType g) {
      return namesInternal(g.getGenericComponentType(), seen);
    }
    if (t instanceof WildcardType w) {
      return Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
          .anyMatch(b -> namesInternal(b, seen));
    }
    if (t instanceof TypeVariable<?> v) {
      return Stream.of(v.getBounds()).anyMatch(b -> namesInternal(b, seen));
    }
    return false;
  }

  /** The types a host can name in the API packages: public, and nested only in public types. */
  private static List<Class<?>> apiClasses() throws IOException, ClassNotFoundException {
    Path classes = Path.of("target", "classes");
    List<Class<?>> api = new ArrayList<>();
    for (String pkg : List.of("org/outmail", "org/outmail/spi", "org/outmail/oauth")) {
      try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
          if (name.endsWith("package-info")) {
            continue;
          }
          Class<?> c = Class.forName(name, false, InternalIsNotApiTest.class.getClassLoader());
          if (visible(c)) {
            api.add(c);
          }
        }
      }
    }
    return api;
  }

  private static boolean visible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }
}
