package org.outmail.smtp;

import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.outmail.TransportException;
import org.outmail.spi.TransportReceipt;

/**
 * The SMTP transactions of one message on one connection, and what the server said to each
 * recipient. The envelope goes out in transactions of at most {@code smtp.max-recipients-per-transaction}
 * recipients; a recipient the server answers with {@code 452} (too many recipients) after it
 * accepted others in the same transaction goes in the next one (RFC 5321 sections 3.3 and
 * 4.5.3.1.10); the following transactions then hold no more recipients than the server took.
 * Every transaction carries the same content and Message-ID.
 *
 * <p>Each recipient ends up accepted (its transaction's final {@code .} was answered with 250),
 * rejected ({@code 5xx}: for good) or deferred ({@code 4xx}: for now; the pipeline retries it).
 * Used by one thread.
 */
final class Transactions {
  /** The reply recorded for recipients whose transaction never started because an earlier one failed. */
  static final String NOT_TRIED = "not sent: an earlier transaction on the connection failed";

  private final Address[] envelope;
  private int max;
  private final Deque<Address> pending;
  private final List<String> accepted = new ArrayList<>();
  private final Map<String, String> rejected = new LinkedHashMap<>();
  private final Map<String, String> deferred = new LinkedHashMap<>();
  private @Nullable String serverReply;
  private int started;

  Transactions(Address[] envelope, int maxRecipientsPerTransaction) {
    this.envelope = envelope;
    this.max = maxRecipientsPerTransaction;
    this.pending = new ArrayDeque<>(Arrays.asList(envelope));
  }

  /** Whether recipients are left for another transaction. */
  boolean hasNext() {
    return !pending.isEmpty();
  }

  /** The recipients of the next transaction, at most the maximum. */
  Address[] next() {
    Address[] batch = new Address[Math.min(max, pending.size())];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = pending.poll();
    }
    started++;
    return batch;
  }

  /** How many transactions were started. */
  int started() {
    return started;
  }

  /** The transaction of {@code batch} must start again from the beginning (on a new connection). */
  void again(Address[] batch) {
    for (int i = batch.length - 1; i >= 0; i--) {
      pending.addFirst(batch[i]);
    }
    started--;
  }

  /** Whether some transaction delivered the message to someone. */
  boolean delivered() {
    return !accepted.isEmpty();
  }

  /**
   * The server took the message for the recipients it accepted ({@code sent}) and refused the
   * others of the transaction, if any, with {@code replies} for each.
   */
  void took(Address[] batch, List<Address> sent, Map<String, String> replies, String reply) {
    Set<String> ok = new HashSet<>();
    for (Address a : sent) {
      ok.add(address(a));
    }
    for (Address a : batch) {
      if (ok.contains(address(a))) {
        accepted.add(address(a));
      }
    }
    if (!replies.isEmpty()) {
      sort(batch, ok, replies);
    }
    serverReply = reply;
  }

  /** The server refused every recipient of the transaction, with {@code replies} for each. */
  void refused(Address[] batch, Map<String, String> replies) {
    sort(batch, Set.of(), replies);
  }

  /**
   * Refused recipients: too many for this transaction (when it took others) → the next one; 4xx →
   * deferred; else rejected.
   */
  private void sort(Address[] batch, Set<String> ok, Map<String, String> replies) {
    List<Address> overflow = new ArrayList<>();
    for (Address a : batch) {
      String address = address(a);
      if (ok.contains(address)) {
        continue;
      }
      String reply = replies.getOrDefault(address, "refused");
      if (!ok.isEmpty() && SmtpFailures.tooManyRecipients(reply)) {
        overflow.add(a);
      } else if (reply.startsWith("4") || SmtpFailures.tooManyRecipients(reply)) {
        deferred.put(address, reply);
      } else {
        rejected.put(address, reply);
      }
    }
    for (int i = overflow.size() - 1; i >= 0; i--) {
      pending.addFirst(overflow.get(i));
    }
    if (!overflow.isEmpty()) {
      max = Math.min(max, ok.size()); // the server's limit, learnt: the next transactions ask no more of it
    }
  }

  /**
   * A transaction failed after an earlier one delivered the message: its recipients are deferred
   * (a transient failure) or rejected (a permanent one; an unknown outcome, which must not be
   * retried), and the recipients not tried yet are deferred.
   */
  void failed(Address[] batch, TransportException e) {
    String why = e.isOutcomeUnknown() ? e.getMessage() : e.serverReply().orElse(e.getMessage());
    for (Address a : batch) {
      if (e.isTransient() && !e.isOutcomeUnknown()) {
        deferred.put(address(a), why);
      } else {
        rejected.put(address(a), why);
      }
    }
    for (Address a : pending) {
      deferred.put(address(a), NOT_TRIED);
    }
    pending.clear();
  }

  /** What every transaction together did; only once some transaction {@link #delivered()}. */
  TransportReceipt receipt() {
    if (rejected.isEmpty() && deferred.isEmpty()) {
      return TransportReceipt.accepted(accepted, serverReply);
    }
    return TransportReceipt.partial(accepted, rejected, deferred, serverReply);
  }

  /** The server's reply to every recipient it refused, in the order of the envelope. */
  Map<String, String> refusals() {
    Map<String, String> all = new LinkedHashMap<>();
    for (Address a : envelope) {
      String address = address(a);
      String reply = rejected.containsKey(address) ? rejected.get(address) : deferred.get(address);
      if (reply != null) {
        all.put(address, reply);
      }
    }
    return all;
  }

  static String address(Address a) {
    return ((InternetAddress) a).getAddress();
  }
}
