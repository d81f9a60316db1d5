package io.dirigent.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Starts the project's single-node Cassandra for tests through {@code bin/cassandra}, once per
 * JVM; a Cassandra already started by {@code bin/test} is reused.
 */
public final class Cassandra {

  private static boolean started;

  private Cassandra() {}

  public static synchronized void ensureRunning() {
    if (started) {
      return;
    }
    run("start");
    started = true;
  }

  /** Stops it, as an outage would (the fault suite); {@link #start} brings it back on the same data. */
  public static synchronized void stop() {
    run("stop");
  }

  /** Starts it again after {@link #stop}; answers once it takes connections. */
  public static synchronized void start() {
    run("start");
  }

  private static void run(String verb) {
    Path root = repositoryRoot();
    Path dataDir = Path.of(System.getProperty("dirigent.cassandra.data-dir", root.resolve("target/cassandra").toString()));
    ProcessBuilder command = new ProcessBuilder(root.resolve("bin/cassandra").toString(), verb, "--data-dir", dataDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    try {
      Process process = command.start();
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("bin/cassandra " + verb + " did not finish within 300 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("bin/cassandra " + verb + " failed with exit code " + process.exitValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run bin/cassandra: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The checkout's root: the first parent directory holding bin/cassandra. */
  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isExecutable(dir.resolve("bin/cassandra"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("bin/cassandra not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
