package org.outmail.test.contract;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a test server received, as a transport contract test sees it: the envelope (or API)
 * recipients and the message's parts. Header names are lower case.
 *
 * @param recipients every address the server took the message for, Bcc included: the envelope
 *     recipients, or the API's recipients
 * @param fromAddress the From address
 * @param fromName the From display name, or {@code null} when there is none
 * @param to the To addresses of the message
 * @param cc the Cc addresses of the message
 * @param replyTo the Reply-To addresses of the message
 * @param subject the subject, decoded
 * @param headers the headers, by lower-case name
 * @param text the plain-text body, or {@code null} when there is none
 * @param html the HTML body, or {@code null} when there is none
 * @param attachments the attachments' bytes, by file name
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

  /**
   * {@return the value of the header, if the message has it}
   *
   * @param name the header's name, in any case
   */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
  }
}
