package org.outmail;

import java.util.Map;

/**
 * A transport's typed options for one mailbox, such as {@code SmtpOptions} or {@code OwaOptions}:
 * given to {@link Mailbox.Builder#options(TransportOptions)}, kept by the mailbox as its settings
 * in text form, and read back by the transport. A transport module supplies the implementation.
 */
public interface TransportOptions {
  /** {@return the protocol whose transport reads these options: {@code smtp}, {@code owa}} */
  String protocol();

  /**
   * {@return the options as settings in text form, keyed by the setting's name without the
   * protocol}
   */
  Map<String, String> values();
}
