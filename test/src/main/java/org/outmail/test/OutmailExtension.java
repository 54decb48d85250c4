package org.outmail.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.outmail.MailboxRegistry;

/**
 * A JUnit 5 extension that gives each test a cleared {@link MailCapture}, as a parameter of a test,
 * {@code @BeforeEach} or {@code @AfterEach} method, or from the field it is registered in:
 *
 * <pre>{@code
 * @RegisterExtension
 * final OutmailExtension outmail = new OutmailExtension();
 *
 * @Test
 * void closingATicketMailsTheRequester(MailCapture capture) {
 *   MailboxRegistry registry = outmail.registry(MailboxRegistry.builder().load(Path.of("mailboxes.properties")));
 *   new TicketService(registry).close(ticket);
 *   assertThat(capture).singleMail().wasSentTo("alice@example.org").hasRecordId("4711");
 * }
 * }</pre>
 *
 * <p>With {@code @ExtendWith(OutmailExtension.class)} the capture comes as a parameter only. The
 * capture is the extension's own (nothing static), cleared before each test (mails, attempts and
 * failures asked for); registries made with {@link #registry} are closed after each test. To share
 * the capture with a registry that outlives one test (an application context cached across tests),
 * install {@link #capture()} when building it, or pass the capture to {@link
 * #OutmailExtension(MailCapture)}.
 */
public final class OutmailExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final MailCapture capture;
  private final List<MailboxRegistry> registries = new ArrayList<>();

  /** An extension with a capture of its own. */
  public OutmailExtension() {
    this(new MailCapture());
  }

  /**
   * An extension that clears and hands out this capture.
   *
   * @param capture the capture, which may be shared with a registry that outlives one test
   */
  public OutmailExtension(MailCapture capture) {
    this.capture = Objects.requireNonNull(capture, "capture == null");
  }

  /** {@return the capture, the same one for every test of this extension} */
  public MailCapture capture() {
    return capture;
  }

  /**
   * Installs the capture on the builder ({@link MailCapture#install}), builds the registry, and
   * closes it after the test.
   *
   * @param builder the builder of the host's registry
   * @return the registry, closed after the test
   * @throws org.outmail.MailboxConfigException as {@link MailboxRegistry.Builder#build()} does
   */
  public MailboxRegistry registry(MailboxRegistry.Builder builder) {
    MailboxRegistry registry = capture.install(builder).build();
    synchronized (registries) {
      registries.add(registry);
    }
    return registry;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    capture.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<MailboxRegistry> toClose;
    synchronized (registries) {
      toClose = new ArrayList<>(registries);
      registries.clear();
    }
    toClose.forEach(MailboxRegistry::close);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MailCapture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return capture;
  }
}
