package io.dirigent.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code bin/dirigent} script on the packaged build, as a user would. */
public final class BinDirigent {

  public static final Path SCRIPT = Path.of("..", "bin", "dirigent").toAbsolutePath().normalize();

  private BinDirigent() {}

  public record Run(int exit, String output) {}

  public static Run run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }

  /** {@code bin/dirigent args...} with extra environment (KUBECONFIG, EDITOR, ...). */
  public static Run run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
    Process process = start(environment, args);
    if (!process.waitFor(240, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("bin/dirigent " + String.join(" ", args) + " did not finish within 240 s");
    }
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** Starts {@code bin/dirigent args...} with standard error merged into its output. */
  public static Process start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  public static Process start(Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Maven packaged the build these tests are about; the script must not rebuild it under them.
    builder.environment().put("DIRIGENT_SKIP_BUILD", "1");
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }
}
