package org.outmail.owa;

import com.microsoft.graph.users.item.sendmail.SendMailPostRequestBody;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.outmail.CheckResult;
import org.outmail.Mailbox;
import org.outmail.TransportException;
import org.outmail.oauth.AccessTokens;
import org.outmail.oauth.OAuthClient;
import org.outmail.oauth.OAuthException;
import org.outmail.spi.MailTransport;
import org.outmail.spi.OutgoingMessage;
import org.outmail.spi.Tls;
import org.outmail.spi.TransportReceipt;

/**
 * Sends one mailbox's messages through Microsoft Graph: {@code POST /users/{user}/sendMail}, or a
 * draft with upload sessions when the message is too large for one request. One attempt per
 * {@link #send}; outmail's pipeline decides about retries.
 */
final class OwaTransport implements MailTransport {
  static final String ACCEPTED = "202 Accepted";

  private final Mailbox mailbox;
  private final GraphEndpoint endpoint;
  private final GraphTokenSource tokens;
  private final GraphHttp http;
  private final DraftSender drafts;
  private final MailboxCheck check;
  private volatile boolean closed;

  OwaTransport(Mailbox mailbox, GraphEndpoint endpoint, AccessTokens accessTokens) {
    OAuthClient client = mailbox.oauthClient().orElseThrow();
    this.mailbox = mailbox;
    this.endpoint = endpoint;
    X509TrustManager trust = Tls.trustManager(mailbox);
    SSLContext tls = Tls.context(mailbox, trust);
    this.tokens = new GraphTokenSource(accessTokens.withTls(tls), client, endpoint);
    this.http = new GraphHttp(mailbox, endpoint, tokens, tls, trust);
    this.drafts = new DraftSender(http.graph, new ChunkUploader(http.uploads, ChunkUploader.DEFAULT_CHUNK), endpoint);
    this.check = new MailboxCheck(mailbox, endpoint, tokens, http.graph);
  }

  @Override
  public TransportReceipt send(OutgoingMessage message) {
    if (closed) {
      throw TransportException.builder(mailbox.id(), "mailbox '" + mailbox.id() + "': the transport is closed")
          .stage(TransportException.Stage.CLOSED).build();
    }
    MessageMapper.checkHeaders(message);
    MessageMapper.checkAttachments(message);
    try {
      tokens.token(); // a token failure now, before any Graph request, says what is wrong with the client
    } catch (OAuthException e) {
      throw GraphErrors.tokenFailure(mailbox.id(), e);
    }
    try {
      if (MessageMapper.estimatedRequestBytes(message) > MessageMapper.REQUEST_LIMIT) {
        drafts.send(message);
      } else {
        sendMail(message);
      }
    } catch (TransportException e) {
      if (e.replyCode() == 401) {
        tokens.renewNext();
      }
      throw e;
    }
    return TransportReceipt.accepted(message.recipients(), ACCEPTED);
  }

  private void sendMail(OutgoingMessage message) {
    SendMailPostRequestBody body = new SendMailPostRequestBody();
    body.setMessage(MessageMapper.message(message, message.attachments(), null));
    body.setSaveToSentItems(endpoint.saveToSentItems());
    try {
      http.graph.users().byUserId(endpoint.user()).sendMail().post(body);
    } catch (RuntimeException e) {
      throw GraphErrors.toTransportException(mailbox.id(), "sendMail", e, true);
    }
  }

  @Override
  public CheckResult check() {
    if (closed) {
      return CheckResult.failed(TransportException.Stage.CLOSED,
          "mailbox '" + mailbox.id() + "': the transport is closed", Duration.ZERO);
    }
    return check.run();
  }

  @Override
  public void close() {
    closed = true;
    http.close();
  }

  @Override
  public String toString() {
    return "OwaTransport{mailbox=" + mailbox.id() + ", user=" + endpoint.user() + ", graph=" + endpoint.baseUrl() + "}";
  }
}
