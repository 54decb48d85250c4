package org.outmail.owa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.outmail.Mailbox;
import org.outmail.Setting;
import org.outmail.TransportOptions;
import org.outmail.ProxySettings;
import org.outmail.spi.SettingValues;

/**
 * The {@code owa} transport's own settings for a mailbox. In a properties file they are {@code
 * outmail.mailbox.ID.owa.save-to-sent-items} and {@code outmail.mailbox.ID.owa.send-as}; in code,
 * {@code Mailbox.builder("desk").options(OwaOptions.builder().saveToSentItems(false).build())}.
 * Immutable.
 */
public final class OwaOptions implements TransportOptions {
  static final String SAVE_TO_SENT_ITEMS = "save-to-sent-items";
  static final String SEND_AS = "send-as";

  /** The descriptions of these settings, as {@link OwaTransportProvider#settings()} publishes them. */
  static final List<Setting> SETTINGS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
      Setting.builder(SAVE_TO_SENT_ITEMS, Setting.Type.BOOLEAN).defaultValue("true")
          .help("Keep a copy of each sent mail in the mailbox's Sent Items.").build(),
      Setting.builder(SEND_AS, Setting.Type.TEXT)
          .help("The user id or UPN whose mailbox sends, when it differs from the email display address.").build()),
      ProxySettings.settings(ProxySettings.Kind.HTTP, "the Graph requests").stream()).toList();

  private final boolean saveToSentItems;
  private final @Nullable String sendAs;

  private OwaOptions(boolean saveToSentItems, @Nullable String sendAs) {
    this.saveToSentItems = saveToSentItems;
    this.sendAs = sendAs;
  }

  /**
   * {@return a builder with the defaults: saved to Sent Items, sent as the email display address}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The options of a mailbox, from its {@code owa.*} settings and the defaults.
   *
   * @param mailbox a mailbox of protocol {@code owa}
   * @return its options
   * @throws org.outmail.MailboxConfigException naming the key of an unknown or invalid setting
   */
  public static OwaOptions of(Mailbox mailbox) {
    refuseDkim(mailbox);
    SettingValues v = SettingValues.of(mailbox, OwaTransportProvider.PROTOCOL, SETTINGS);
    return new OwaOptions(v.bool(SAVE_TO_SENT_ITEMS), v.text(SEND_AS).orElse(null));
  }

  /**
   * The mailbox's HTTP proxy for Graph ({@code owa.proxy}, {@code owa.proxy-user}, {@code
   * owa.proxy-password}, {@code owa.no-proxy}), checked. The token requests follow the OAuth
   * client's own proxy.
   *
   * @throws org.outmail.MailboxConfigException naming the mailbox and the key of a bad setting
   */
  static Optional<ProxySettings> proxy(Mailbox mailbox) {
    SettingValues v = SettingValues.of(mailbox, OwaTransportProvider.PROTOCOL, SETTINGS);
    return v.proxy(ProxySettings.Kind.HTTP);
  }

  /** {@return whether sent mail is kept in the mailbox's Sent Items} */
  public boolean saveToSentItems() {
    return saveToSentItems;
  }

  /**
   * {@return the user id or UPN to send as, when it differs from the mailbox's email display
   * address}
   */
  public Optional<String> sendAs() {
    return Optional.ofNullable(sendAs);
  }

  @Override
  public String protocol() {
    return OwaTransportProvider.PROTOCOL;
  }

  @Override
  public Map<String, String> values() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SAVE_TO_SENT_ITEMS, Boolean.toString(saveToSentItems));
    if (sendAs != null) {
      m.put(SEND_AS, sendAs);
    }
    return m;
  }

  @Override
  public String toString() {
    return "OwaOptions" + values();
  }

  /** Builds {@link OwaOptions}; each setter replaces the value given before. */
  public static final class Builder {
    private boolean saveToSentItems = true;
    private @Nullable String sendAs;

    private Builder() {}

    /**
     * Whether a copy goes to Sent Items; default {@code true}.
     *
     * @param save {@code false} to keep no copy
     * @return this builder
     */
    public Builder saveToSentItems(boolean save) {
      this.saveToSentItems = save;
      return this;
    }

    /**
     * The user id or UPN to send as.
     *
     * @param userIdOrUpn a Microsoft Entra user id or user principal name
     * @return this builder
     * @throws IllegalArgumentException if blank or holding a control character
     */
    public Builder sendAs(String userIdOrUpn) {
      Objects.requireNonNull(userIdOrUpn, "sendAs == null");
      if (userIdOrUpn.isBlank() || userIdOrUpn.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException("send-as must be a user id or UPN without control characters");
      }
      this.sendAs = userIdOrUpn.strip();
      return this;
    }

    /** {@return the options} */
    public OwaOptions build() {
      return new OwaOptions(saveToSentItems, sendAs);
    }
  }

  /** Why a DKIM setting has no place on a Graph mailbox; empty for any other key. */
  static java.util.Optional<String> dkimRefusal(String key) {
    if (key.startsWith("owa.dkim.") || key.startsWith("smtp.dkim.")) {
      return java.util.Optional.of("is not a setting of protocol owa: Microsoft 365 signs the mail Graph sends with "
          + "DKIM itself (turn DKIM on for the domain in the Microsoft 365 Defender portal, Email authentication "
          + "settings); remove the dkim settings");
    }
    return java.util.Optional.empty();
  }

  /** Refuses DKIM settings on a Graph mailbox, naming the key (see {@link #dkimRefusal}). */
  static void refuseDkim(Mailbox mailbox) {
    for (String key : mailbox.settings().keySet()) {
      dkimRefusal(key).ifPresent(why -> {
        throw new org.outmail.MailboxConfigException(mailbox.id(), key,
            org.outmail.MailException.mailboxPrefix(mailbox.id()) + key + " " + why);
      });
    }
  }
}
