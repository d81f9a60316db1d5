package io.dirigent.cli;

import io.dirigent.core.cluster.JvmDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

/** The {@code dirigent} command. */
@Command(
    name = "dirigent",
    // Every subcommand gets -h/--help and the global flags.
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    description = "A container orchestrator in the Kubernetes mould.",
    subcommands = {
        ServerCommand.class, GetCommand.class, DescribeCommand.class, CreateCommand.class, ApplyCommand.class,
        DeleteCommand.class, EditCommand.class, LabelCommand.Label.class, LabelCommand.Annotate.class,
        SetCommand.class, ScaleCommand.class, RolloutCommand.class, ExposeCommand.class, LogsCommand.class,
        ExecCommand.class, PortForwardCommand.class, HistoryCommand.class, CordonCommand.Cordon.class,
        CordonCommand.Uncordon.class, ApiResourcesCommand.class, VersionCommand.class, EncryptionKeyCommand.class,
        MemberCertificateCommand.class, TokenCommand.class,
        CommandLine.HelpCommand.class})
public final class Dirigent implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin GlobalFlags flags;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    JvmDefaults.apply();
    System.exit(commandLine().execute(args));
  }

  /** The command line with Dirigent's error handling: one clear line, a non-zero exit. */
  public static CommandLine commandLine() {
    return new CommandLine(new Dirigent())
        .setParameterExceptionHandler((e, args) -> {
          e.getCommandLine().getErr().println("error: " + UsageErrors.describe(e));
          return 1;
        })
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          return 1;
        });
  }
}
