package org.outmail.spring;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when there is something to make a registry of: one of outmail's keys ({@code
 * outmail.mailbox.*}, {@code outmail.oauth-client.*}, {@code outmail.token-store.*}, or a near miss
 * of those) in any property source, or a {@link MailboxRegistryCustomizer} bean.
 * Without either, as Spring's mail auto-configuration without {@code spring.mail.host}, no
 * registry is made.
 */
final class OnOutmailConfiguredCondition extends AnyNestedCondition {
  OnOutmailConfiguredCondition() {
    super(ConfigurationPhase.REGISTER_BEAN);
  }

  @Conditional(OnOutmailProperties.class)
  static final class HasProperties {}

  @ConditionalOnBean(MailboxRegistryCustomizer.class)
  static final class HasCustomizer {}

  /** Any of outmail's keys in the environment. */
  static final class OnOutmailProperties extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      ConditionMessage.Builder message = ConditionMessage.forCondition("outmail properties");
      return OutmailProperties.present(context.getEnvironment())
          ? ConditionOutcome.match(message.found("outmail.mailbox.* keys").atAll())
          : ConditionOutcome.noMatch(message.didNotFind("outmail.mailbox.* keys").atAll());
    }
  }
}
