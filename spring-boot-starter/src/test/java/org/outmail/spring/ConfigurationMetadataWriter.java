package org.outmail.spring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.outmail.Mailbox;
import org.outmail.MailboxRegistry;
import org.outmail.Setting;
import org.outmail.oauth.OAuthClient;

/**
 * Writes {@code META-INF/spring-configuration-metadata.json} from outmail's own descriptions of its
 * settings ({@link Mailbox#fields()}, {@link MailboxRegistry#transportSettings()} of the transports
 * on this module's test classpath, {@link OAuthClient#fields()}) and the starter's ({@link
 * StarterSettings}). Run by the build (exec-maven-plugin, phase {@code process-test-classes}) into
 * {@code target/classes}, so the jar always carries metadata that matches the code and there is no
 * second list of keys to keep in step.
 *
 * <p>Keys with an id or a name in them ({@code outmail.mailbox.ID.host}) cannot be listed exactly:
 * they are two {@code Map} properties, {@code outmail.mailbox} and {@code outmail.oauth-client},
 * whose {@code .keys} hints list every field as {@code ID.FIELD} (and {@code ID.PROTOCOL.NAME}) with
 * its help, type, default and allowed values. A secret's value or default is never written.
 */
public final class ConfigurationMetadataWriter {
  private ConfigurationMetadataWriter() {}

  /**
   * Writes the metadata.
   *
   * @param args the file to write
   * @throws IOException if it cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    Files.createDirectories(out.getParent());
    Files.writeString(out, json(), StandardCharsets.UTF_8);
  }

  static String json() {
    List<String> groups = List.of(
        group("outmail", "outmail: named outgoing mailboxes. The keys are those of outmail's mailboxes.properties."),
        group("outmail.health", "Health of outmail's mailboxes: each one's Check, cached."),
        group("outmail.outbox", "The outbox as a bean: a durable queue delivered by workers."),
        group("outmail.store.jdbc", "Mailboxes stored in the application's DataSource."),
        group("outmail.console", "outmail's console mounted in the application, behind Spring Security."));
    List<String> properties = new ArrayList<>();
    for (Setting s : StarterSettings.all()) {
      properties.add(property("outmail." + s.name(), s));
    }
    for (Setting s : StarterSettings.byMailbox()) {
      properties.add(property("outmail." + s.name(), "java.util.Map<java.lang.String,java.lang.String>",
          s.help(), null));
    }
    properties.add(property("outmail.token-store.file", "java.lang.String",
        "A file where outmail keeps rotated OAuth refresh tokens; in memory when not set.", null));
    properties.add(property("outmail.mailbox", "java.util.Map<java.lang.String,java.lang.String>",
        "Mailboxes by id: outmail.mailbox.ID.FIELD, and a transport's settings as outmail.mailbox.ID.PROTOCOL.NAME "
            + "(smtp.max-connections). Unknown keys and bad values fail start-up with a message naming the key.",
        null));
    properties.add(property("outmail.oauth-client", "java.util.Map<java.lang.String,java.lang.String>",
        "OAuth clients by name, as outmail.oauth-client.NAME.FIELD; a mailbox names one with oauth-client.", null));

    List<String> mailboxKeys = new ArrayList<>();
    for (Setting s : Mailbox.textForm().fields()) {
      mailboxKeys.add(value("ID." + s.name(), describe(s)));
    }
    for (Map.Entry<String, List<Setting>> transport : MailboxRegistry.transportSettings().entrySet()) {
      for (Setting s : transport.getValue()) {
        mailboxKeys.add(value("ID." + transport.getKey() + "." + s.name(),
            "Protocol " + transport.getKey() + ": " + describe(s)));
      }
    }
    List<String> clientKeys = new ArrayList<>();
    for (Setting s : OAuthClient.textForm().fields()) {
      clientKeys.add(value("NAME." + s.name(), describe(s)));
    }
    List<String> hints = List.of(
        hint("outmail.mailbox.keys", mailboxKeys),
        hint("outmail.oauth-client.keys", clientKeys),
        hint("outmail.health.cache", List.of(value("60s", "One minute, the default."), value("5m", "Five minutes."))));
    return "{\n  \"groups\": [\n" + String.join(",\n", groups) + "\n  ],\n"
        + "  \"properties\": [\n" + String.join(",\n", properties) + "\n  ],\n"
        + "  \"hints\": [\n" + String.join(",\n", hints) + "\n  ]\n}\n";
  }

  /** The help, then the type, the default and the allowed values, as one text for an IDE. */
  static String describe(Setting s) {
    StringBuilder d = new StringBuilder(s.help());
    d.append(" (").append(s.type().name().toLowerCase(java.util.Locale.ROOT));
    if (!s.allowedValues().isEmpty()) {
      d.append(": ").append(String.join(", ", s.allowedValues()));
    }
    if (s.required()) {
      d.append("; required");
    }
    if (!s.secret()) {
      s.defaultValue().ifPresent(v -> d.append("; default ").append(v));
    } else {
      d.append("; secret: a literal, ${env:NAME} or ${file:path}");
    }
    return d.append(")").toString();
  }

  private static String group(String name, String description) {
    return "    {\n      \"name\": " + str(name) + ",\n      \"description\": " + str(description) + "\n    }";
  }

  private static String property(String name, Setting s) {
    String type = switch (s.type()) {
      case BOOLEAN -> "java.lang.Boolean";
      case INTEGER -> "java.lang.Integer";
      case DURATION -> "java.time.Duration";
      case LIST -> "java.util.List<java.lang.String>";
      case URL -> "java.net.URI";
      default -> "java.lang.String";
    };
    String def = s.secret() ? null : s.defaultValue().orElse(null);
    if (def != null && s.type() == Setting.Type.BOOLEAN) {
      def = "\u0000" + def; // written as a JSON boolean
    }
    return property(name, type, s.help(), def);
  }

  private static String property(String name, String type, String description, String defaultValue) {
    StringBuilder p = new StringBuilder("    {\n      \"name\": ").append(str(name))
        .append(",\n      \"type\": ").append(str(type))
        .append(",\n      \"description\": ").append(str(description));
    if (defaultValue != null) {
      p.append(",\n      \"defaultValue\": ")
          .append(defaultValue.startsWith("\u0000") ? defaultValue.substring(1) : str(defaultValue));
    }
    return p.append("\n    }").toString();
  }

  private static String value(String value, String description) {
    return "        {\n          \"value\": " + str(value) + ",\n          \"description\": " + str(description)
        + "\n        }";
  }

  private static String hint(String name, List<String> values) {
    return "    {\n      \"name\": " + str(name) + ",\n      \"values\": [\n" + String.join(",\n", values)
        + "\n      ]\n    }";
  }

  /** A JSON string. */
  static String str(String s) {
    StringBuilder j = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> j.append("\\\"");
        case '\\' -> j.append("\\\\");
        case '\n' -> j.append("\\n");
        case '\t' -> j.append("\\t");
        case '\r' -> j.append("\\r");
        default -> {
          if (c < 0x20) {
            j.append(String.format("\\u%04x", (int) c));
          } else {
            j.append(c);
          }
        }
      }
    }
    return j.append('"').toString();
  }
}
