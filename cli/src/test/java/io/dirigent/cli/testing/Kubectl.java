package io.dirigent.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl on this machine: the dispatcher on the PATH (which picks the client of the
 * server's minor version) or one of the per-minor clients beside it. Each test class gets a home
 * directory of its own, so kubectl's discovery and HTTP caches start empty.
 */
public final class Kubectl {

  /** What kubectl printed, separately, and how it exited. */
  public record Run(int exit, String out, String err) {
    /** Both streams, for assertion messages. */
    public String all() {
      return out + err;
    }
  }

  private final Path home;
  private final String kubeconfig;

  public Kubectl(Path home, String kubeconfig) {
    this.home = home;
    this.kubeconfig = kubeconfig;
  }

  /** The per-minor client {@code kubectl.1.MINOR} that sits beside the dispatcher. */
  public static Path client(int minor) throws IOException {
    Path dispatcher = Path.of(which()).toRealPath();
    Path client = dispatcher.resolveSibling("kubectl.1." + minor);
    if (!Files.isExecutable(client)) {
      throw new AssertionError("kubectl 1." + minor + " is not installed beside " + dispatcher);
    }
    return client;
  }

  private static String which() throws IOException {
    for (String dir : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError("kubectl is not on the PATH");
  }

  /** {@code kubectl args...} through the dispatcher. */
  public Run run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), which(), args);
  }

  /** {@code kubectl args...} with extra environment (EDITOR, ...). */
  public Run run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
    return run(environment, which(), args);
  }

  /** {@code kubectl args...} reading {@code stdin}. */
  public Run runWithInput(String stdin, String... args) throws IOException, InterruptedException {
    Path input = Files.createTempFile(home, "in", ".txt");
    Files.writeString(input, stdin);
    try {
      return run(Map.of(), which(), input, args);
    } finally {
      Files.delete(input);
    }
  }

  /** {@code kubectl args...} left running (port-forward): its output goes to {@code out}, errors included. */
  public Process start(Path out, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(which()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().put("KUBECONFIG", kubeconfig);
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  /**
   * {@code kubectl args...} left running on a terminal of {@code columns} by {@code rows} (util-linux
   * {@code script} gives it one), for {@code attach -t}: its stdin is the process's, to write to;
   * what the terminal shows goes to {@code out}.
   */
  public Process startOnTerminal(Path out, int columns, int rows, String... args) throws IOException {
    StringBuilder command = new StringBuilder("stty cols %d rows %d; exec %s".formatted(columns, rows, which()));
    for (String arg : args) {
      command.append(" '").append(arg.replace("'", "'\\''")).append('\'');
    }
    ProcessBuilder builder = new ProcessBuilder("script", "-qefc", command.toString(), "/dev/null")
        .redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().put("KUBECONFIG", kubeconfig);
    return builder.start();
  }

  /** {@code kubectl.1.MINOR args...}. */
  public Run minor(int minor, String... args) throws IOException, InterruptedException {
    return run(Map.of(), client(minor).toString(), args);
  }

  private Run run(Map<String, String> environment, String binary, String... args) throws IOException, InterruptedException {
    return run(environment, binary, null, args);
  }

  private Run run(Map<String, String> environment, String binary, Path stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().put("KUBECONFIG", kubeconfig);
    builder.environment().putAll(environment);
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    Process process = builder.start();
    if (stdin == null) {
      process.getOutputStream().close();
    }
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 180 s");
    }
    Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return run;
  }
}
