package io.dirigent.cli.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code dirigent server} as its own process, as an operator runs it, on a loopback address
 * of its own: started, stopped (SIGTERM), killed (SIGKILL), started again on the same data
 * directory. Its output goes to {@code DIR/server.log} (appended across runs).
 */
public final class MemberProcess implements AutoCloseable {

  private final String name;
  private final String host;
  private final Path dataDir;
  private final List<String> arguments;
  private Process process;

  public MemberProcess(String name, String host, Path dataDir, List<String> arguments) {
    this.name = name;
    this.host = host;
    this.dataDir = dataDir;
    this.arguments = List.copyOf(arguments);
  }

  public String name() {
    return name;
  }

  public String host() {
    return host;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Starts the server; {@link #awaitReady} waits for it. */
  public synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running already");
    }
    Files.createDirectories(dataDir);
    Files.deleteIfExists(dataDir.resolve("server.ready"));
    List<String> command = new ArrayList<>(List.of(BinDirigent.SCRIPT.toString(), "server", "--data-dir", dataDir.toString(), "--host", host));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile()));
    builder.environment().put("DIRIGENT_SKIP_BUILD", "1");
    // Five members share two cores: small heaps, and a serial collector that keeps them small. Its
    // pauses go to gc.log: a member that stopped answering for seconds may have been collecting.
    builder.environment().put("JAVA_TOOL_OPTIONS", "-Xmx320m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Ddirigent.proxy.mode=none"
        + " -Xlog:gc:file=" + dataDir.resolve("gc.log") + ":time,uptime:filecount=2,filesize=5m");
    builder.environment().remove("KUBECONFIG");
    process = builder.start();
    process.getOutputStream().close();
  }

  /** Waits until the server says it is ready (its ready file), failing if it exits first. */
  public void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(dataDir.resolve("server.ready"))) {
      if (!alive()) {
        throw new AssertionError(name + " exited (" + process.exitValue() + ") before it was ready; its log:\n" + tail(60));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " was not ready within " + timeout + "; its log:\n" + tail(60));
      }
      Thread.sleep(200);
    }
  }

  /** How the last run of the server ended; empty while it runs or before it first started. */
  public synchronized java.util.Optional<Integer> exitCode() {
    return process == null || process.isAlive() ? java.util.Optional.empty() : java.util.Optional.of(process.exitValue());
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** The process id of the running server's JVM (bin/dirigent execs java). */
  public synchronized long pid() {
    return process.pid();
  }

  /** kill -9. */
  public synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM, as {@code bin/dirigent down} or systemd stops it; waits for it to exit. Answers how long it took. */
  public synchronized Duration stop(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError(name + " did not exit within " + timeout + " of SIGTERM");
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Waits at most {@code timeout} for the process to exit by itself; whether it did. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    Process running;
    synchronized (this) {
      running = process;
    }
    return running == null || running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The last {@code lines} lines of the server's log. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(dataDir.resolve("server.log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Every line of the server's log so far. */
  public List<String> log() {
    try {
      return Files.readAllLines(dataDir.resolve("server.log"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Lines of the server's log containing {@code text}. */
  public List<String> logLines(String text) {
    try {
      return Files.readAllLines(dataDir.resolve("server.log")).stream().filter(line -> line.contains(text)).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
