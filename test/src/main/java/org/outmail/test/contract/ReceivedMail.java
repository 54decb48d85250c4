package org.outmail.test.contract;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a test server received, as a transport contract test sees it: the envelope (or API)
 * recipients and the message's parts. Header names are lower case.
 */
public record ReceivedMail(
    List<String> recipients,
    String fromAddress,
    String fromName,
    List<String> to,
    List<String> cc,
    List<String> replyTo,
    String subject,
    Map<String, String> headers,
    String text,
    String html,
    Map<String, byte[]> attachments) {

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
  }
}
