package org.outmail.examples;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code outmail dkim}: DKIM keys for the mailboxes that sign. */
@Command(name = "dkim", mixinStandardHelpOptions = true, versionProvider = OutmailCli.Version.class, description = "DKIM signing keys: 'outmail dkim keygen' makes a key pair for a mailbox's smtp.dkim.* settings.", subcommands = {
    DkimKeygenCommand.class, HelpCommand.class})
final class DkimCommand {}
