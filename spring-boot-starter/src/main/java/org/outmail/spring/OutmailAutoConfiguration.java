package org.outmail.spring;

import org.outmail.MailboxRegistry;
import org.outmail.PostSendHook;
import org.outmail.RecipientDirectory;
import org.outmail.SendListener;
import org.outmail.oauth.AccessTokenProvider;
import org.outmail.oauth.TokenStore;
import org.outmail.spi.TransportProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Makes a {@link MailboxRegistry} bean from the application's {@code outmail.*} properties, with
 * outmail's own loader: the keys and messages of a {@code mailboxes.properties} file, from any
 * property source ({@code application.yml} included). An invalid key fails start-up with outmail's
 * message naming the key.
 *
 * <p>The builder also gets, in this order: {@link TransportProvider} beans, the properties'
 * mailboxes and OAuth clients, {@link PostSendHook} beans (a bean wins over a hook of the same name
 * found by {@link java.util.ServiceLoader}), the {@link RecipientDirectory} bean, {@link
 * SendListener} beans (the metrics among them), a {@link TokenStore} bean, {@link
 * AccessTokenProvider} beans, and then each {@link MailboxRegistryCustomizer}.
 *
 * <p>Made when the application has any of outmail's keys or a customizer, has no {@link
 * MailboxRegistry} bean of its own, and {@code outmail.enabled} is not {@code false}. The registry
 * is closed when the context closes.
 */
@AutoConfiguration
@ConditionalOnClass(MailboxRegistry.class)
@ConditionalOnProperty(prefix = "outmail", name = "enabled", havingValue = "true", matchIfMissing = true)
public class OutmailAutoConfiguration {
  /** Created by Spring. */
  public OutmailAutoConfiguration() {}

  /**
   * Checks the starter's own {@code outmail.*} keys at start-up, whether or not a registry is made:
   * an unknown one ({@code outmail.helth.cache}) fails start-up naming it, with the key it is
   * closest to.
   *
   * @param environment the application's properties
   * @return a marker bean
   * @throws org.outmail.MailboxConfigException naming the unknown key
   */
  @Bean
  static OutmailKeys outmailKeys(Environment environment) {
    OutmailKeys.check(environment);
    return new OutmailKeys();
  }

  /**
   * The registry of the configured mailboxes.
   *
   * @param environment where the {@code outmail.*} keys are read
   * @param transports transport providers besides those found by {@link java.util.ServiceLoader}
   * @param hooks post-send hooks besides those found by {@link java.util.ServiceLoader}
   * @param directory the host's user directory, for mailboxes that send to registered users only
   * @param listeners listeners of every send, such as the metrics
   * @param tokenStore where rotated refresh tokens are kept
   * @param tokenProviders access token providers besides those found by {@link java.util.ServiceLoader}
   * @param customizers last changes to the builder
   * @return the registry, checked as {@link MailboxRegistry.Builder#build()} checks it
   * @throws org.outmail.MailboxConfigException naming the key that is wrong
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @Conditional(OnOutmailConfiguredCondition.class)
  public MailboxRegistry mailboxRegistry(Environment environment, ObjectProvider<TransportProvider> transports,
      ObjectProvider<PostSendHook> hooks, ObjectProvider<RecipientDirectory> directory,
      ObjectProvider<SendListener> listeners, ObjectProvider<TokenStore> tokenStore,
      ObjectProvider<AccessTokenProvider> tokenProviders, ObjectProvider<MailboxRegistryCustomizer> customizers) {
    OutmailKeys.check(environment);
    MailboxRegistry.Builder builder = MailboxRegistry.builder();
    transports.orderedStream().forEach(builder::transportProvider);
    builder.load(OutmailProperties.from(environment));
    hooks.orderedStream().forEach(builder::hook);
    RecipientDirectory users = directory.getIfAvailable();
    if (users != null) {
      builder.recipientDirectory(users);
    }
    listeners.orderedStream().forEach(builder::listener);
    TokenStore store = tokenStore.getIfAvailable();
    if (store != null) {
      builder.tokenStore(store);
    }
    tokenProviders.orderedStream().forEach(builder::accessTokenProvider);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }
}
