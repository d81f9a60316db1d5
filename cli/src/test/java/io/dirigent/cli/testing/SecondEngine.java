package io.dirigent.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second Docker engine, on {@link SecondHost}: its own data root, exec root (and so its own
 * containerd), socket and bridges, inside the second host's network namespace, with the local
 * images copied over from this host's engine (there is no registry to pull them from). It joins
 * only the network namespace ({@code nsenter --net}): {@code ip netns exec} would also remount
 * /sys, and the engine would find no cgroups. {@link #close()} removes its containers, stops it
 * and deletes its directories.
 */
public final class SecondEngine implements AutoCloseable {

  private static final Path ROOT = Path.of("/tmp/dirigent-engine2");
  private static final List<String> IMAGES = List.of("dirigent/busybox:1", "dirigent/pause:1", "dirigent/httpenv:1");

  private final Process daemon;

  private SecondEngine(Process daemon) {
    this.daemon = daemon;
  }

  /** The engine's address, for {@code dirigent.node.docker.host}. */
  public static String host() {
    return "unix://" + ROOT.resolve("docker.sock");
  }

  /** Starts the engine in {@code host}'s network namespace (after removing what a killed run left) and loads the local images. */
  public static SecondEngine start(SecondHost host) throws IOException, InterruptedException {
    stopLeftover();
    Files.createDirectories(ROOT);
    List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + host.namespacePath(), "dockerd",
        "--data-root", ROOT.resolve("data").toString(), "--exec-root", ROOT.resolve("exec").toString(),
        "-H", host(), "--pidfile", ROOT.resolve("docker.pid").toString()));
    Process daemon = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(ROOT.resolve("dockerd.log").toFile())).start();
    SecondEngine engine = new SecondEngine(daemon);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (docker("info").exit() != 0) {
      if (!daemon.isAlive() || System.nanoTime() > deadline) {
        engine.close();
        throw new IllegalStateException("the second engine did not start; see " + ROOT.resolve("dockerd.log"));
      }
      Thread.sleep(200);
    }
    // docker save | docker -H second load
    Process save = new ProcessBuilder(concat(List.of("docker", "save"), IMAGES)).start();
    Process load = new ProcessBuilder("docker", "-H", host(), "load", "-q").redirectErrorStream(true).start();
    save.getInputStream().transferTo(load.getOutputStream());
    load.getOutputStream().close();
    String loaded = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (save.waitFor() != 0 || load.waitFor() != 0) {
      engine.close();
      throw new IllegalStateException("the local images could not be copied to the second engine: " + loaded);
    }
    return engine;
  }

  /** {@code docker -H <second engine> args...}. */
  public static Run docker(String... args) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(concat(List.of("docker", "-H", host()), List.of(args))).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), output.strip());
  }

  public record Run(int exit, String output) {}

  @Override
  public void close() throws IOException, InterruptedException {
    Run containers = docker("ps", "-aq");
    if (containers.exit() == 0 && !containers.output().isBlank()) {
      docker(concat(List.of("rm", "-f"), containers.output().lines().toList()).toArray(String[]::new));
    }
    daemon.destroy();
    if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
      daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    removeRoot();
  }

  /** What a run killed before its close left: the engine (by its pid file) and its directories. */
  private static void stopLeftover() throws IOException, InterruptedException {
    Path pidFile = ROOT.resolve("docker.pid");
    if (Files.exists(pidFile)) {
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      var leftover = ProcessHandle.of(pid);
      if (leftover.isPresent()) {
        Run containers = docker("ps", "-aq");
        if (containers.exit() == 0 && !containers.output().isBlank()) {
          docker(concat(List.of("rm", "-f"), containers.output().lines().toList()).toArray(String[]::new));
        }
        leftover.get().destroy();
        try {
          leftover.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          leftover.get().destroyForcibly();
        }
      }
    }
    removeRoot();
  }

  private static void removeRoot() throws IOException, InterruptedException {
    // The engine unmounts its layers when it stops; whatever a killed one left mounted goes first.
    new ProcessBuilder("sh", "-c", "grep -o ' " + ROOT + "[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l").start().waitFor();
    new ProcessBuilder("rm", "-rf", ROOT.toString()).start().waitFor();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
