package org.outmail.examples.spring;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An SMTP server in this process (GreenMail on 127.0.0.1, {@code example.sink.port}) that keeps
 * every mail it receives, so the example runs without a mail server; {@link SinkController} lists
 * them. {@code example.sink.enabled=false} leaves it out: the mailboxes then send wherever
 * their {@code outmail.mailbox.*} keys say.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "example.sink", name = "enabled", havingValue = "true")
class SmtpSink {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpSink.class);

  /** The server, started before the outbox's workers look for mail. */
  static final class Server implements DisposableBean {
    private final GreenMail greenMail;

    Server(int port) {
      greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      greenMail.start();
      LOG.info("SMTP sink: receiving on 127.0.0.1:{}; GET /sink/messages lists what arrived", port);
    }

    /** {@return the mails received, oldest first} */
    List<Received> received() {
      return Arrays.stream(greenMail.getReceivedMessages()).map(Received::of).toList();
    }

    @Override
    public void destroy() {
      greenMail.stop();
    }
  }

  /**
   * A mail the sink received.
   *
   * @param from the From header
   * @param to the To header
   * @param subject the subject
   * @param messageId the Message-ID
   */
  record Received(String from, String to, String subject, String messageId) {
    static Received of(MimeMessage m) {
      try {
        return new Received(addresses(m.getFrom()), addresses(m.getRecipients(MimeMessage.RecipientType.TO)),
            m.getSubject(), m.getMessageID());
      } catch (MessagingException e) {
        throw new IllegalStateException("the sink cannot read a mail it received: " + e.getMessage(), e);
      }
    }

    private static String addresses(Address[] addresses) {
      return addresses == null ? "" : String.join(", ", Arrays.stream(addresses).map(Address::toString).toList());
    }
  }

  @Bean(destroyMethod = "destroy")
  Server smtpSinkServer(@Value("${example.sink.port}") int port) {
    return new Server(port);
  }

  /** The outbox's workers start when it is made: make the sink first, so that they never find it closed. */
  @Bean
  static BeanFactoryPostProcessor outboxAfterSmtpSink() {
    return factory -> {
      if (factory.containsBeanDefinition("outmailOutbox")) {
        BeanDefinition outbox = factory.getBeanDefinition("outmailOutbox");
        String[] before = outbox.getDependsOn() == null ? new String[0] : outbox.getDependsOn();
        String[] after = Arrays.copyOf(before, before.length + 1);
        after[before.length] = "smtpSinkServer";
        outbox.setDependsOn(after);
      }
    };
  }
}
