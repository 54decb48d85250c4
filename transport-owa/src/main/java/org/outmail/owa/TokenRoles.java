package org.outmail.owa;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application permissions an app-only Microsoft token grants: the {@code roles} claim of its
 * JWT payload. Read, never verified (Graph verifies); only for Check to say what is missing.
 */
final class TokenRoles {
  private static final Pattern ROLES = Pattern.compile("\"roles\"\\s*:\\s*\\[([^\\]]*)\\]");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  private TokenRoles() {}

  /**
   * The roles of the token: empty when it is not a JWT (nothing can be said), an empty list when
   * the JWT has no roles claim or an empty one.
   */
  static Optional<List<String>> of(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    String payload;
    try {
      payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!payload.startsWith("{")) {
      return Optional.empty();
    }
    List<String> roles = new ArrayList<>();
    Matcher m = ROLES.matcher(payload);
    if (m.find()) {
      Matcher s = STRING.matcher(m.group(1));
      while (s.find()) {
        roles.add(s.group(1));
      }
    }
    return Optional.of(roles);
  }

  /**
   * What Check says about the permissions, or empty when they are enough. {@code Mail.Send} is
   * needed to send; {@code Mail.ReadWrite} for mails over 4 MB (drafts and upload sessions).
   */
  static Optional<String> problem(List<String> roles) {
    if (roles.isEmpty()) {
      return Optional.of("the token lists no application permissions: grant Mail.Send (and Mail.ReadWrite for mails "
          + "over 4 MB) as application permissions with admin consent, unless access is granted through Exchange "
          + "RBAC for Applications, where the token carries no roles by design and only a send can tell");
    }
    if (!roles.contains("Mail.Send")) {
      return Optional
          .of("permission missing: the app's token grants " + roles + " but not Mail.Send; add the Mail.Send "
              + "application permission to the app registration and grant admin consent");
    }
    if (!roles.contains("Mail.ReadWrite")) {
      return Optional.of("Mail.Send is granted but not Mail.ReadWrite: mails over 4 MB (drafts and upload sessions) "
          + "will be refused; add the Mail.ReadWrite application permission if large attachments are sent");
    }
    return Optional.empty();
  }
}
