package org.outmail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The root README's {@code pom.xml} files that import {@code outmail-bom}, a plain application's and
 * a Spring Boot one's: whole, well-formed projects that import the BOM of this build and take every
 * outmail artifact's version from it (each one the BOM holds), the Spring Boot one on the Spring
 * Boot version outmail is built for.
 */
class ReadmeBomTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);

  @Test
  void readmeGivesAPlainAndASpringBootPomThatTakeOutmailsVersionsFromTheBom() throws Exception {
    Document bom = parse(Files.readString(ROOT.resolve("bom/pom.xml"), StandardCharsets.UTF_8));
    String version = child(bom.getDocumentElement(), "version");
    List<String> managed = new ArrayList<>();
    for (Element d : elements(bom.getDocumentElement(), "dependencyManagement", "dependencies", "dependency")) {
      managed.add(child(d, "artifactId"));
    }
    Document parent = parse(Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8));
    String springBoot = child(elements(parent.getDocumentElement(), "properties").get(0), "spring-boot.version");

    List<Document> poms = new ArrayList<>();
    Matcher m = XML_BLOCK.matcher(Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8));
    while (m.find()) {
      if (m.group(1).contains("<artifactId>outmail-bom</artifactId>")) {
        poms.add(parse(m.group(1)));
      }
    }

    assertThat(poms).as("pom.xml files importing outmail-bom in README.md").hasSize(2);
    for (Document pom : poms) {
      Element project = pom.getDocumentElement();
      assertThat(project.getTagName()).isEqualTo("project");
      assertThat(child(project, "modelVersion")).isEqualTo("4.0.0");
      assertThat(elements(project, "dependencyManagement", "dependencies", "dependency")).singleElement()
          .satisfies(d -> {
            assertThat(child(d, "groupId")).isEqualTo("org.outmail");
            assertThat(child(d, "artifactId")).isEqualTo("outmail-bom");
            assertThat(child(d, "version")).isEqualTo(version);
            assertThat(child(d, "type")).isEqualTo("pom");
            assertThat(child(d, "scope")).isEqualTo("import");
          });
      List<Element> outmail = elements(project, "dependencies", "dependency").stream()
          .filter(d -> child(d, "groupId").equals("org.outmail")).toList();
      assertThat(outmail).isNotEmpty().allSatisfy(d -> {
        assertThat(managed).contains(child(d, "artifactId"));
        assertThat(child(d, "version")).as(child(d, "artifactId") + "'s version").isEmpty();
      });
    }
    Element plain = poms.get(0).getDocumentElement();
    assertThat(elements(plain, "parent")).isEmpty();
    assertThat(elements(plain, "dependencies", "dependency")).extracting(d -> child(d, "artifactId"))
        .contains("outmail-core", "outmail-transport-smtp");
    Element spring = poms.get(1).getDocumentElement();
    Element springParent = elements(spring, "parent").get(0);
    assertThat(child(springParent, "artifactId")).isEqualTo("spring-boot-starter-parent");
    assertThat(child(springParent, "version")).isEqualTo(springBoot);
    assertThat(elements(spring, "dependencies", "dependency")).extracting(d -> child(d, "artifactId"))
        .contains("outmail-spring-boot-starter", "outmail-transport-smtp");
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.strip().getBytes(StandardCharsets.UTF_8)));
  }

  /** The elements at the path of child names below {@code from}. */
  private static List<Element> elements(Element from, String... path) {
    List<Element> level = List.of(from);
    for (String name : path) {
      List<Element> next = new ArrayList<>();
      for (Element e : level) {
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
          Node n = children.item(i);
          if (n instanceof Element c && c.getTagName().equals(name)) {
            next.add(c);
          }
        }
      }
      level = next;
    }
    return level;
  }

  /** The text of the direct child element, or "" when there is none. */
  private static String child(Element e, String name) {
    List<Element> found = elements(e, name);
    return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
  }
}
