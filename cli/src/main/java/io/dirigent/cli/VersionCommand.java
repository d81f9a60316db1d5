package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.CliException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dirigent version}: this build's version and the API server's. */
@Command(name = "version", description = "Print the version of this build and of the API server.")
public final class VersionCommand implements Callable<Integer>, CommandLine.IVersionProvider {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions options;

  @Option(names = "--client", description = "Only this build's version.")
  boolean clientOnly;

  /** The build's version, from the jar manifest; "development" when run from classes. */
  static String version() {
    String version = VersionCommand.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("Client Version: dirigent " + version());
    out.flush();
    if (clientOnly) {
      return 0;
    }
    try {
      JsonNode server = options.client().get("/version");
      out.println("Server Version: " + server.path("gitVersion").asText());
      out.flush();
      return 0;
    } catch (CliException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"dirigent " + version()};
  }
}
