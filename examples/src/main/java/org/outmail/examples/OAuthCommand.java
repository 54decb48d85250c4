package org.outmail.examples;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ParentCommand;

/** {@code outmail oauth}: the OAuth clients of a configuration. */
@Command(name = "oauth", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "Validates the OAuth clients of a configuration: an administrator signs in once and the refresh "
    + "token is stored in the configuration's token store.", subcommands = {OAuthValidateCommand.class,
        HelpCommand.class})
final class OAuthCommand {
  @ParentCommand OutmailCli cli;
}
