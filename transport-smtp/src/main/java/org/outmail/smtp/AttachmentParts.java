package org.outmail.smtp;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.outmail.Attachment;

/**
 * An attachment as a MIME body part: its headers (file name encoded by Angus, base64), its content
 * opened from its source each time the part is written and streamed, and the failure that names it
 * when its file cannot be read.
 */
final class AttachmentParts {
  private AttachmentParts() {}

  static MimeBodyPart attachmentPart(Attachment a) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new AttachmentSource(a)));
    part.setDisposition(Part.ATTACHMENT);
    part.setFileName(a.filename());
    part.setHeader("Content-Type", a.contentType());
    // set now so that Angus does not read the whole file to choose an encoding
    part.setHeader("Content-Transfer-Encoding", "base64");
    return part;
  }

  /**
   * An attachment's file could not be opened while the message was written: the message's fault,
   * not the connection's, told apart by {@link SmtpFailures}.
   */
  static final class UnreadableAttachment extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Attachment attachment;

    UnreadableAttachment(Attachment attachment, IOException cause) {
      super("cannot read attachment " + attachment.filename(), cause);
      this.attachment = attachment;
    }

    Attachment attachment() {
      return attachment;
    }
  }

  /** An attachment's content, opened anew (and streamed) each time the message is written. */
  static final class AttachmentSource implements DataSource {
    private final Attachment attachment;

    AttachmentSource(Attachment attachment) {
      this.attachment = attachment;
    }

    /** The content; a failure to open or read it is an {@link UnreadableAttachment}. */
    @Override
    public InputStream getInputStream() throws IOException {
      InputStream in;
      try {
        in = attachment.open();
      } catch (IOException e) {
        throw new UnreadableAttachment(attachment, e);
      }
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          try {
            return super.read();
          } catch (IOException e) {
            throw new UnreadableAttachment(attachment, e);
          }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (IOException e) {
            throw new UnreadableAttachment(attachment, e);
          }
        }
      };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      throw new IOException("attachment " + attachment.filename() + " is read-only");
    }

    @Override
    public String getContentType() {
      return attachment.contentType();
    }

    @Override
    public String getName() {
      return attachment.filename();
    }
  }
}
