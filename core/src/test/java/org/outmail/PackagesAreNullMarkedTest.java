package org.outmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * NullAway checks only packages marked {@code @NullMarked} ({@code OnlyNullMarked=true}), so a new
 * package without the mark would silently go unchecked: every main package of every module of the
 * tree carries it in its {@code package-info.java}.
 */
class PackagesAreNullMarkedTest {

  @Test
  void everyMainPackageOfTheTreeIsNullMarked() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> packages;
    try (Stream<Path> files = Files.walk(root)) {
      packages = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> root.relativize(p).toString().replace('\\', '/').matches("[^/]+/src/main/java/.+"))
          .map(Path::getParent)
          .distinct()
          .sorted()
          .toList();
    }
    assertThat(packages).as("main packages found under %s", root)
        .contains(root.resolve("core/src/main/java/org/outmail/internal"))
        .hasSizeGreaterThan(10);
    List<String> unmarked = packages.stream()
        .filter(dir -> !marked(dir.resolve("package-info.java")))
        .map(dir -> root.relativize(dir).toString())
        .toList();
    assertThat(unmarked).as("main packages without @NullMarked in their package-info.java").isEmpty();
  }

  private static boolean marked(Path packageInfo) {
    if (!Files.isRegularFile(packageInfo)) {
      return false;
    }
    try {
      return Files.readString(packageInfo).contains("@NullMarked");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
