package org.outmail.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the server said when it took a message: whom it accepted, whom it refused (with its reply). */
public final class TransportReceipt {
  private final List<String> acceptedRecipients;
  private final Map<String, String> rejectedRecipients;
  private final String serverReply;

  private TransportReceipt(List<String> accepted, Map<String, String> rejected, String serverReply) {
    this.acceptedRecipients = List.copyOf(accepted);
    this.rejectedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(rejected));
    this.serverReply = serverReply;
  }

  /**
   * Every recipient was accepted.
   *
   * @param accepted every recipient
   * @param serverReply the server's final reply, or {@code null}
   * @return the receipt
   */
  public static TransportReceipt accepted(List<String> accepted, String serverReply) {
    return new TransportReceipt(accepted, Map.of(), serverReply);
  }

  /**
   * Some recipients were accepted, others refused with the server's reply for each.
   *
   * @param accepted the recipients accepted
   * @param rejected the recipients refused, with the server's reply for each
   * @param serverReply the server's final reply, or {@code null}
   * @return the receipt
   */
  public static TransportReceipt partial(List<String> accepted, Map<String, String> rejected, String serverReply) {
    Objects.requireNonNull(rejected, "rejected == null");
    return new TransportReceipt(accepted, rejected, serverReply);
  }

  /** {@return the recipients the server accepted} */
  public List<String> acceptedRecipients() {
    return acceptedRecipients;
  }

  /** {@return the recipients the server refused, with its reply for each} */
  public Map<String, String> rejectedRecipients() {
    return rejectedRecipients;
  }

  /**
   * {@return the server's final reply (e.g. {@code 250 2.0.0 Ok: queued as ...}, {@code 202
   * Accepted}), or {@code null}}
   */
  public String serverReply() {
    return serverReply;
  }

  @Override
  public String toString() {
    return "TransportReceipt{accepted=" + acceptedRecipients + ", rejected=" + rejectedRecipients + ", reply=" + serverReply + "}";
  }
}
