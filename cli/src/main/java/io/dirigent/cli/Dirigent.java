package io.dirigent.cli;

import io.dirigent.core.cluster.JvmDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dirigent} command. */
@Command(
    name = "dirigent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    description = "A container orchestrator in the Kubernetes mould.",
    subcommands = {
        ServerCommand.class, GetCommand.class, DescribeCommand.class, CreateCommand.class, ApplyCommand.class,
        DeleteCommand.class, ScaleCommand.class, LogsCommand.class, HistoryCommand.class, ExposeCommand.class,
        CordonCommand.Cordon.class, CordonCommand.Uncordon.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Dirigent implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

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
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          return 1;
        });
  }
}
