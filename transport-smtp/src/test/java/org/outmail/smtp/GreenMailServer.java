package org.outmail.smtp;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.outmail.test.contract.ReceivedMail;

/** GreenMail on 127.0.0.1 (a free port), and what it received, read back as {@link ReceivedMail}. */
final class GreenMailServer implements AutoCloseable {
  private final GreenMail greenMail;
  private final boolean smtps;

  private GreenMailServer(boolean smtps, GreenMailConfiguration config) {
    this.smtps = smtps;
    greenMail = new GreenMail(
        new ServerSetup(0, "127.0.0.1", smtps ? ServerSetup.PROTOCOL_SMTPS : ServerSetup.PROTOCOL_SMTP));
    greenMail.withConfiguration(config);
    greenMail.start();
  }

  /** Plain SMTP, no authentication required. */
  static GreenMailServer smtp() {
    return new GreenMailServer(false, GreenMailConfiguration.aConfig());
  }

  /** Plain SMTP with one user. */
  static GreenMailServer smtpWithUser(String email, String login, String password) {
    return new GreenMailServer(false, GreenMailConfiguration.aConfig().withUser(email, login, password));
  }

  /** SMTPS (implicit TLS) serving the certificate the test CA signed for localhost and 127.0.0.1. */
  static GreenMailServer smtpsWithUser(String email, String login, String password) {
    return new GreenMailServer(true, GreenMailConfiguration.aConfig().withUser(email, login, password));
  }

  int port() {
    return smtps ? greenMail.getSmtps().getPort() : greenMail.getSmtp().getPort();
  }

  /** Every mail received, in order, once each, with the envelope recipients it was delivered to. */
  List<ReceivedMail> received() {
    Map<String, List<String>> recipients = new LinkedHashMap<>();
    Map<String, MimeMessage> messages = new LinkedHashMap<>();
    try {
      for (GreenMailUser user : greenMail.getUserManager().listUser()) {
        for (StoredMessage stored : greenMail.getManagers().getImapHostManager().getInbox(user).getMessages()) {
          String id = stored.getMimeMessage().getMessageID();
          recipients.computeIfAbsent(id, k -> new ArrayList<>()).add(user.getEmail());
        }
      }
      for (MimeMessage m : greenMail.getReceivedMessages()) {
        messages.putIfAbsent(m.getMessageID(), m);
      }
      List<ReceivedMail> out = new ArrayList<>();
      for (Map.Entry<String, MimeMessage> e : messages.entrySet()) {
        out.add(read(e.getValue(), recipients.getOrDefault(e.getKey(), List.of())));
      }
      return out;
    } catch (MessagingException | FolderException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ReceivedMail read(MimeMessage m, List<String> recipients) throws MessagingException, IOException {
    InternetAddress from = (InternetAddress) m.getFrom()[0];
    Map<String, String> headers = new LinkedHashMap<>();
    for (Enumeration<Header> e = m.getAllHeaders(); e.hasMoreElements();) {
      Header h = e.nextElement();
      headers.merge(h.getName().toLowerCase(Locale.ROOT), MimeUtility.unfold(h.getValue()), (a, b) -> a + "\n" + b);
    }
    Parts parts = new Parts();
    parts.walk(m);
    return new ReceivedMail(List.copyOf(recipients), from.getAddress(), from.getPersonal(),
        addresses(m.getRecipients(MimeMessage.RecipientType.TO)),
        addresses(m.getRecipients(MimeMessage.RecipientType.CC)),
        addresses(m.getReplyTo()), m.getSubject(), headers, parts.text, parts.html, parts.attachments);
  }

  private static List<String> addresses(Address[] list) {
    return list == null ? List.of() : Arrays.stream(list).map(a -> ((InternetAddress) a).getAddress()).toList();
  }

  /** The text, html and attachments of a message, found by walking its parts. */
  static final class Parts {
    String text;
    String html;
    final Map<String, byte[]> attachments = new LinkedHashMap<>();

    void walk(Part p) throws MessagingException, IOException {
      if (p.isMimeType("multipart/*")) {
        Multipart mp = (Multipart) p.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
          BodyPart bp = mp.getBodyPart(i);
          walk(bp);
        }
      } else if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition()) || p.getFileName() != null) {
        attachments.put(MimeUtility.decodeText(p.getFileName()), p.getInputStream().readAllBytes());
      } else if (p.isMimeType("text/html")) {
        html = (String) p.getContent();
      } else if (p.isMimeType("text/plain")) {
        text = (String) p.getContent();
      }
    }
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
