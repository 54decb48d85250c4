package org.outmail.examples.spring;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /sink/messages}: what the in-process SMTP server received, oldest first. */
@RestController
@ConditionalOnProperty(prefix = "example.sink", name = "enabled", havingValue = "true")
class SinkController {
  private final SmtpSink.Server server;

  SinkController(SmtpSink.Server server) {
    this.server = server;
  }

  @GetMapping("/sink/messages")
  List<SmtpSink.Received> messages() {
    return server.received();
  }
}
