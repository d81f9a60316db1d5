package io.dirigent.cli.testing;

import io.dirigent.core.net.Ipv4Cidr;
import io.dirigent.node.network.HostNetwork;
import io.dirigent.node.network.NetworkSettings;
import io.dirigent.node.runtime.DockerRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a test's server leaves on this host on purpose, removed when the test is done with it.
 * {@code bin/dirigent down} keeps its promise to a user — the pods' containers keep running for the
 * next server to adopt, and the pod network stays for them — so a test that ran pods removes them
 * itself; {@code bin/test} fails if any is left ({@code bin/test-leftovers}).
 */
public final class Leftovers {

  private Leftovers() {}

  /**
   * The instance label ({@code io.dirigent.instance}) of the containers of the server of
   * {@code dataDir}: the first 12 hex digits of the SHA-256 of its absolute path, as the node agent
   * derives it.
   */
  public static String instance(Path dataDir) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ids of every container of the server of {@code dataDir} on this host's engine: pods' and pool sandboxes. */
  public static List<String> containersOf(Path dataDir) {
    return docker("ps", "-aq", "--no-trunc", "--filter", "label=" + DockerRuntime.INSTANCE + "=" + instance(dataDir))
        .lines().filter(line -> !line.isBlank()).toList();
  }

  /**
   * Runs {@code bin/dirigent down} for {@code dataDir} and then removes what {@code down} leaves
   * running on purpose: the containers of the server's pods, and the pod network once no server's
   * container is on it. Answers {@code down}'s run.
   */
  public static BinDirigent.Run downAndRemove(Path dataDir) throws IOException, InterruptedException {
    BinDirigent.Run down = BinDirigent.run("down", "--data-dir", dataDir.toString());
    removeContainersOf(dataDir);
    removePodNetworkIfUnused();
    return down;
  }

  /** Removes every container of the server of {@code dataDir}, running or not. */
  public static void removeContainersOf(Path dataDir) {
    // One at a time, as the agent removes them: concurrent endpoint deletes can deadlock Docker 20.10.
    for (String id : containersOf(dataDir)) {
      docker("rm", "-f", id);
    }
  }

  /**
   * Removes this host's pod networks ({@code dirigent-<range>}, labelled {@code io.dirigent.pod-network})
   * and what the agents made for them on the host — the {@code DIRIGENT-NET-*} chains, the VXLAN
   * device, the routes — when no container is attached to any of them: another server still
   * running on this engine keeps them.
   */
  public static void removePodNetworkIfUnused() {
    List<String> networks = docker("network", "ls", "-q", "--filter", "label=io.dirigent.pod-network").lines()
        .filter(line -> !line.isBlank()).toList();
    if (networks.isEmpty()) {
      return;
    }
    for (String network : networks) {
      String attached = docker("network", "inspect", "-f", "{{len .Containers}}", network).strip();
      if (!attached.equals("0")) {
        return;
      }
    }
    try (DockerRuntime engine = new DockerRuntime("unix:///var/run/docker.sock", "dirigent/pause:1", 2)) {
      for (String network : networks) {
        String name = docker("network", "inspect", "-f", "{{.Name}}", network).strip();
        Ipv4Cidr range = Ipv4Cidr.of(name.substring("dirigent-".length()).replaceFirst("-(\\d+)$", "/$1"), "pod network");
        new HostNetwork(new NetworkSettings(NetworkSettings.Mode.VXLAN, Ipv4Cidr.of("10.244.0.0/16", "cluster"), 8472, 1, 0,
            Duration.ofSeconds(30), "DIRIGENT", Ipv4Cidr.of("10.96.0.0/16", "services")), engine).remove(range);
      }
    } catch (IOException e) {
      if (staleEndpointCount(e)) {
        // Docker 20.10 can miscount a network's endpoints (moby/moby#42119): it then refuses to remove
        // a network that inspect shows empty, until the engine restarts and counts again. No
        // container of the test is on it (checked above); bin/test restarts the engine it started
        // and removes the network before it checks for leftovers (bin/docker-engine clear-stale-networks).
        System.err.println("Leftovers: the engine refuses to remove an empty pod network (its endpoint count is stale, moby/moby#42119): "
            + e.getMessage() + "; left for bin/test to remove after restarting the engine");
        return;
      }
      throw new IllegalStateException("the pod network could not be removed: " + e.getMessage(), e);
    }
  }

  /** Whether the engine refused to remove a network for endpoints no container holds any more. */
  private static boolean staleEndpointCount(IOException e) {
    String message = String.valueOf(e.getMessage());
    if (!message.contains("has active endpoints")) {
      return false;
    }
    List<String> networks = docker("network", "ls", "-q", "--filter", "label=io.dirigent.pod-network").lines()
        .filter(line -> !line.isBlank()).toList();
    return networks.stream().allMatch(network -> docker("network", "inspect", "-f", "{{len .Containers}}", network).strip().equals("0"));
  }

  private static String docker(String... arguments) {
    try {
      Process docker = new ProcessBuilder(concat(List.of("docker"), List.of(arguments))).redirectErrorStream(true).start();
      String output = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!docker.waitFor(60, TimeUnit.SECONDS) || docker.exitValue() != 0) {
        throw new IllegalStateException("docker " + String.join(" ", arguments) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
  }
}
