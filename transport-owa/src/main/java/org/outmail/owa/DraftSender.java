package org.outmail.owa;

import com.microsoft.graph.models.AttachmentItem;
import com.microsoft.graph.models.AttachmentType;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.UploadSession;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.UserItemRequestBuilder;
import com.microsoft.graph.users.item.messages.item.MessageItemRequestBuilder;
import com.microsoft.graph.users.item.messages.item.attachments.createuploadsession.CreateUploadSessionPostRequestBody;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.outmail.Attachment;
import org.outmail.MailException;
import org.outmail.TransportException.Stage;
import org.outmail.TransportException;
import org.outmail.spi.OutgoingMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a message too large for one {@code sendMail} request: creates a draft with what fits,
 * adds each remaining attachment (a plain {@code POST} when it fits in one request, an upload
 * session in chunks when it does not), then sends the draft. A draft left by a failure is deleted
 * unless it may have been sent.
 */
final class DraftSender {
  private static final Logger LOG = LoggerFactory.getLogger(DraftSender.class);
  /** Graph's limit for one attachment. */
  static final long MAX_ATTACHMENT = 150L * 1024 * 1024;
  /** Smaller attachments go in one {@code POST}; larger ones through an upload session. */
  static final long UPLOAD_SESSION_FROM = 3L * 1024 * 1024;
  /**
   * What the JSON of one posted attachment takes besides its base64 content (type, name, content
   * type). An attachment is posted alone only when its encoded request fits Graph's 4 MB limit:
   * one just under 3 MiB does not (its base64 form alone is almost 4 MiB), so it takes an upload
   * session.
   */
  static final long ATTACHMENT_OVERHEAD = 4 * 1024;

  private final GraphServiceClient graph;
  private final ChunkUploader uploader;
  private final GraphEndpoint endpoint;

  DraftSender(GraphServiceClient graph, ChunkUploader uploader, GraphEndpoint endpoint) {
    this.graph = graph;
    this.uploader = uploader;
    this.endpoint = endpoint;
  }

  void send(OutgoingMessage m) {
    String mailboxId = m.mailbox().id();
    List<Attachment> inline = new ArrayList<>();
    List<Attachment> later = new ArrayList<>();
    long budget = MessageMapper.REQUEST_LIMIT - MessageMapper.estimatedBytesWithoutAttachments(m);
    for (Attachment a : m.attachments()) {
      long size = size(m, a);
      long encoded = MessageMapper.base64Length(size);
      if (size < UPLOAD_SESSION_FROM && encoded <= budget) {
        inline.add(a);
        budget -= encoded;
      } else {
        later.add(a);
      }
    }
    UserItemRequestBuilder user = graph.users().byUserId(endpoint.user());
    Message draft;
    try {
      draft = user.messages().post(MessageMapper.message(m, inline, endpoint.saveToSentItems() ? null : Boolean.FALSE));
    } catch (RuntimeException e) {
      throw GraphErrors.toTransportException(mailboxId, "create draft", e, false);
    }
    if (draft == null || draft.getId() == null) {
      throw TransportException
          .builder(mailboxId, "mailbox '" + mailboxId + "': Graph create draft returned no message id")
          .stage(Stage.CONTENT).transientFailure(true).build();
    }
    MessageItemRequestBuilder item = user.messages().byMessageId(draft.getId());
    boolean keepDraft = false;
    try {
      for (Attachment a : later) {
        long size = size(m, a);
        if (size < UPLOAD_SESSION_FROM
            && MessageMapper.base64Length(size) + ATTACHMENT_OVERHEAD <= MessageMapper.REQUEST_LIMIT) {
          call(mailboxId, "add attachment " + a.filename(),
              () -> item.attachments().post(MessageMapper.fileAttachment(m, a)));
        } else {
          upload(mailboxId, item, a, size);
        }
      }
      try {
        item.send().post();
      } catch (RuntimeException e) {
        TransportException te = GraphErrors.toTransportException(mailboxId, "send draft", e, true);
        keepDraft = te.isOutcomeUnknown();
        throw te;
      }
      keepDraft = true;
    } finally {
      if (!keepDraft) {
        deleteQuietly(item, mailboxId);
      }
    }
  }

  private void upload(String mailboxId, MessageItemRequestBuilder item, Attachment a, long size) {
    CreateUploadSessionPostRequestBody body = new CreateUploadSessionPostRequestBody();
    AttachmentItem ai = new AttachmentItem();
    ai.setAttachmentType(AttachmentType.File);
    ai.setName(a.filename());
    ai.setContentType(a.contentType());
    ai.setSize(size);
    body.setAttachmentItem(ai);
    UploadSession session = call(mailboxId, "create upload session for " + a.filename(),
        () -> item.attachments().createUploadSession().post(body));
    String url = session == null ? null : session.getUploadUrl();
    if (url == null || !(url.startsWith("https://") || GraphEndpoint.plainHttpAllowed(URI.create(url)))) {
      throw TransportException.builder(mailboxId, "mailbox '" + mailboxId + "': Graph gave no usable upload URL for "
          + a.filename()).stage(Stage.CONTENT).build();
    }
    try {
      uploader.upload(url, a, size);
    } catch (ChunkUploader.UploadException e) {
      boolean throttled = e.status == 429 || (e.status == 503 && e.retryAfter != null);
      throw TransportException
          .builder(mailboxId, MailException.mailboxPrefix(mailboxId) + "uploading " + a.filename() + " failed: "
              + e.getMessage())
          .stage(Stage.CONTENT).replyCode(e.status).serverReply(e.getMessage())
          .retryAfter(e.retryAfter == null ? null : GraphErrors.parseRetryAfter(e.retryAfter))
          .transientFailure(throttled || e.status >= 500).cause(e).build();
    } catch (NoSuchFileException | AccessDeniedException | EOFException e) {
      throw GraphErrors.unreadableAttachment(mailboxId, a, e);
    } catch (IOException e) {
      throw TransportException.builder(mailboxId, "mailbox '" + mailboxId + "': uploading " + a.filename() + " failed: "
          + e).stage(GraphErrors.notConnected(e) ? Stage.CONNECT : Stage.CONTENT).transientFailure(true).cause(e)
          .build();
    }
  }

  private static <T> T call(String mailboxId, String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw GraphErrors.toTransportException(mailboxId, what, e, false);
    }
  }

  private static void deleteQuietly(MessageItemRequestBuilder item, String mailboxId) {
    try {
      item.delete();
    } catch (RuntimeException e) {
      LOG.warn("mailbox '{}': could not delete the unsent draft: {}", mailboxId, e.toString());
    }
  }

  private static long size(OutgoingMessage m, Attachment a) {
    long size = a.size().orElseThrow(() -> GraphErrors.unreadableAttachment(m.mailbox().id(), a, null));
    if (size > MAX_ATTACHMENT) {
      throw TransportException
          .builder(m.mailbox().id(), "mailbox '" + m.mailbox().id() + "': attachment " + a.filename()
              + " has " + size + " bytes; Microsoft Graph accepts attachments up to 150 MB")
          .stage(Stage.CONTENT).build();
    }
    return size;
  }
}
