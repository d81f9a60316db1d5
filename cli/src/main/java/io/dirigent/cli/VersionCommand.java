package io.dirigent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dirigent version}: the version of this build. */
@Command(name = "version", description = "Print the version of this build.")
public final class VersionCommand implements Runnable, CommandLine.IVersionProvider {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The build's version, from the jar manifest; "development" when run from classes. */
  static String version() {
    String version = VersionCommand.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  @Override
  public void run() {
    spec.commandLine().getOut().println("dirigent " + version());
  }

  @Override
  public String[] getVersion() {
    return new String[] {"dirigent " + version()};
  }
}
