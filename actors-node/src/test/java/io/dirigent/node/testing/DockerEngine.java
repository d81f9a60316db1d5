package io.dirigent.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Docker engine for integration tests: {@code bin/docker-engine} installs and starts it
 * if need be and builds Dirigent's local images, once per test run.
 */
public final class DockerEngine {

  private static volatile boolean ready;

  private DockerEngine() {}

  /** The project's root: the directory above the module running the tests. */
  public static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("bin/docker-engine"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("bin/docker-engine not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public static synchronized void ensure() {
    if (ready) {
      return;
    }
    Result result = run(List.of(projectRoot().resolve("bin/docker-engine").toString(), "ensure"), 900);
    assertThat(result.exit()).as("bin/docker-engine ensure: %s", result.output()).isZero();
    ready = true;
  }

  /** The output and exit code of the docker CLI with {@code args}. */
  public static Result docker(String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add("docker");
    command.addAll(List.of(args));
    return run(command, 120);
  }

  public record Result(int exit, String output) {}

  private static Result run(List<String> command, int timeoutSeconds) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out: " + String.join(" ", command));
      }
      return new Result(process.exitValue(), new String(output).strip());
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
