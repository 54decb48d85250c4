package org.outmail.spi;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the server said when it took a message: whom it accepted, whom it refused for good, and
 * whom it deferred (a temporary refusal of some recipients, such as SMTP's {@code 450}, {@code 451}
 * or {@code 452} at {@code RCPT TO}), each with its reply.
 *
 * <p>outmail's pipeline retries the deferred recipients alone, with the same Message-ID and
 * content, as the mailbox's {@link org.outmail.RetryPolicy} allows: it hands the transport {@link
 * OutgoingMessage#withRecipients a copy of the message} whose {@link OutgoingMessage#recipients()}
 * are only those.
 */
public final class TransportReceipt {
  private final List<String> acceptedRecipients;
  private final Map<String, String> rejectedRecipients;
  private final Map<String, String> deferredRecipients;
  private final @Nullable String serverReply;
  private final @Nullable String server;

  private TransportReceipt(List<String> accepted, Map<String, String> rejected, Map<String, String> deferred,
      @Nullable String serverReply) {
    this.server = null;
    this.acceptedRecipients = List.copyOf(accepted);
    this.rejectedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(rejected));
    this.deferredRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(deferred));
    this.serverReply = serverReply;
  }

  /** A copy of {@code r} naming the server: its values are immutable already, so they are shared. */
  private TransportReceipt(TransportReceipt r, String server) {
    this.server = server;
    this.acceptedRecipients = r.acceptedRecipients;
    this.rejectedRecipients = r.rejectedRecipients;
    this.deferredRecipients = r.deferredRecipients;
    this.serverReply = r.serverReply;
  }

  /**
   * Every recipient was accepted.
   *
   * @param accepted every recipient
   * @param serverReply the server's final reply, or {@code null}
   * @return the receipt
   */
  public static TransportReceipt accepted(List<String> accepted, @Nullable String serverReply) {
    return new TransportReceipt(accepted, Map.of(), Map.of(), serverReply);
  }

  /**
   * Some recipients were accepted, others refused for good with the server's reply for each.
   *
   * @param accepted the recipients accepted
   * @param rejected the recipients refused for good, with the server's reply for each
   * @param serverReply the server's final reply, or {@code null}
   * @return the receipt
   */
  public static TransportReceipt partial(List<String> accepted, Map<String, String> rejected,
      @Nullable String serverReply) {
    Objects.requireNonNull(rejected, "rejected == null");
    return new TransportReceipt(accepted, rejected, Map.of(), serverReply);
  }

  /**
   * Some recipients were accepted, others refused for good, others deferred (refused for now: trying
   * again later may succeed), each with the server's reply. A transport that accepted no recipient at
   * all throws a {@link org.outmail.TransportException} instead.
   *
   * @param accepted the recipients accepted
   * @param rejected the recipients refused for good (SMTP {@code 5xx}), with the server's reply for
   *     each
   * @param deferred the recipients refused for now (SMTP {@code 4xx}), with the server's reply for
   *     each; the pipeline retries them alone
   * @param serverReply the server's final reply, or {@code null}
   * @return the receipt
   * @throws IllegalArgumentException if an address is in more than one of the three
   */
  public static TransportReceipt partial(List<String> accepted, Map<String, String> rejected,
      Map<String, String> deferred,
      @Nullable String serverReply) {
    Objects.requireNonNull(accepted, "accepted == null");
    Objects.requireNonNull(rejected, "rejected == null");
    Objects.requireNonNull(deferred, "deferred == null");
    Set<String> acceptedSet = new HashSet<>(accepted);
    for (String address : deferred.keySet()) {
      if (rejected.containsKey(address) || acceptedSet.contains(address)) {
        throw new IllegalArgumentException("recipient " + address + " is deferred and also accepted or rejected");
      }
    }
    for (String address : rejected.keySet()) {
      if (acceptedSet.contains(address)) {
        throw new IllegalArgumentException("recipient " + address + " is rejected and also accepted");
      }
    }
    return new TransportReceipt(accepted, rejected, deferred, serverReply);
  }

  /** {@return the recipients the server accepted} */
  public List<String> acceptedRecipients() {
    return acceptedRecipients;
  }

  /** {@return the recipients the server refused for good, with its reply for each} */
  public Map<String, String> rejectedRecipients() {
    return rejectedRecipients;
  }

  /**
   * {@return the recipients the server refused for now (SMTP {@code 4xx} at {@code RCPT TO}), with
   * its reply for each; empty unless built by {@link #partial(List, Map, Map, String)}}
   */
  public Map<String, String> deferredRecipients() {
    return deferredRecipients;
  }

  /**
   * {@return the server's final reply (e.g. {@code 250 2.0.0 Ok: queued as ...}, {@code 202
   * Accepted}), or {@code null}}
   */
  public @Nullable String serverReply() {
    return serverReply;
  }

  /**
   * {@return the server that took the message, as {@code host:port} (a transport with several
   * servers per mailbox says which), or empty when the transport does not say} Never holds a
   * credential.
   */
  public java.util.Optional<String> server() {
    return java.util.Optional.ofNullable(server);
  }

  /**
   * A copy of this receipt that names the server that took the message.
   *
   * @param server the server, as {@code host:port}
   * @return the copy
   */
  public TransportReceipt withServer(String server) {
    Objects.requireNonNull(server, "server == null");
    return new TransportReceipt(this, server);
  }

  @Override
  public String toString() {
    return "TransportReceipt{accepted=" + acceptedRecipients + ", rejected=" + rejectedRecipients
        + (deferredRecipients.isEmpty() ? "" : ", deferred=" + deferredRecipients) + ", reply=" + serverReply
        + (server == null ? "" : ", server=" + server) + "}";
  }
}
