package io.dirigent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.api.ApiServer;
import io.dirigent.cli.client.CliException;
import io.dirigent.cli.client.Kubeconfig;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.MemberRoles;
import io.dirigent.core.pki.ClusterPki;
import io.dirigent.node.NodeAgents;
import io.dirigent.scheduler.Scheduler;
import io.dirigent.controllers.ControllerManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.cluster.typed.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dirigent server}: runs one cluster member in the foreground until it is stopped. Once
 * the member is Up and the store answers, it writes {@code server.ready} in the data directory;
 * {@code bin/dirigent up} waits for that file.
 */
@Command(name = "server", description = "Run a Dirigent cluster member in the foreground.")
public final class ServerCommand implements Callable<Integer> {

  /** Written into the data directory once the member is ready; removed when it stops. */
  public static final String READY_FILE = "server.ready";

  /** The kubeconfig a control-plane member writes into its data directory for the CLI and kubectl. */
  public static final String KUBECONFIG_FILE = "kubeconfig";

  /** Where the cluster's certificate authority and the API server's certificate are kept, in the data directory. */
  public static final String PKI_DIR = "pki";

  @Option(names = "--data-dir", description = "Where the server keeps its data (default: ~/.dirigent).")
  Path dataDir = Path.of(System.getProperty("user.home"), ".dirigent");

  @Option(names = "--api-port", description = "Port of the API server (default: 6443).")
  Integer apiPort;

  @Option(names = "--store", description = "The journal: h2 (embedded, default) or cassandra.")
  String store;

  @Option(names = "--cassandra", split = ",", paramLabel = "HOST:PORT", description = "Cassandra contact points (with --store cassandra).")
  List<String> cassandraContactPoints;

  @Option(names = "--cassandra-keyspace", description = "Cassandra keyspace (default: dirigent).")
  String cassandraKeyspace;

  @Option(names = "--host", description = "Address other members reach this one on (default: 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "Cluster port (default: 2551).")
  Integer port;

  @Option(names = "--seed-nodes", split = ",", paramLabel = "HOST:PORT", description = "Members to join; none: start a new cluster.")
  List<String> seedNodes;

  @Option(names = "--roles", split = ",", description = "control-plane, worker or both (default: both).")
  List<String> roles;

  @Option(names = "--node-name", description = "The name of this host's Node (default: the host name).")
  String nodeName;

  @Option(names = "--runtime", description = "What runs this worker's pods: docker (default), simulated, or none.")
  String runtime;

  @Option(names = "--simulated-nodes", description = "Extra simulated nodes this member hosts, for scale tests (default: 0).")
  Integer simulatedNodes;

  @Option(names = "--ready-timeout", description = "Seconds to wait for the member to become ready (default: 120).")
  int readyTimeoutSeconds = 120;

  @Option(names = "--join", paramLabel = "URL", description = "Join the cluster whose API server is at URL (with --token and --ca-cert-hash).")
  java.net.URI join;

  @Option(names = "--token", description = "The bootstrap token to join with (dirigent token create).")
  String token;

  @Option(names = "--ca-cert-hash", paramLabel = "sha256:HEX", description = "The fingerprint of the cluster's authority to join.")
  String caCertHash;

  @Option(names = "--insecure-http", description = "Serve the API over plain HTTP, without TLS or client certificates (only on a loopback address).")
  boolean insecureHttp;

  @Override
  public Integer call() throws Exception {
    Path data = dataDir.toAbsolutePath();
    Files.createDirectories(data);
    Files.deleteIfExists(data.resolve(READY_FILE));
    if (insecureHttp && host != null && !java.net.InetAddress.getByName(host).isLoopbackAddress()) {
      // Without TLS between members, whoever reaches the cluster port is a member.
      throw new CliException("--insecure-http runs members without TLS too: only on a loopback --host, not on " + host);
    }
    if (join != null || token != null || caCertHash != null) {
      joinCluster(data);
    }
    if (!insecureHttp && (roles == null || roles.contains(ClusterNode.CONTROL_PLANE))) {
      // The first control-plane member makes the cluster's authority; members talk TLS with certificates from it.
      ClusterPki.loadOrCreate(data.resolve(PKI_DIR), "dirigent", java.time.Clock.systemUTC());
    }
    // No shutdown hook of its own: on SIGTERM Pekko's hook runs the member's coordinated shutdown
    // (pekko.coordinated-shutdown in dirigent.conf says in which order everything stops) and holds
    // the JVM until it is done. A second hook would race it.
    Duration backoff = REJOIN_MIN_BACKOFF;
    for (int run = 1; ; run++) {
      Run outcome = runMember(data, run == 1);
      if (outcome instanceof Run.Exit exit) {
        return exit.code();
      }
      Run.Rejoin rejoin = (Run.Rejoin) outcome;
      if (stopping || jvmStopping()) {
        return 0;
      }
      backoff = rejoin.wasUp() ? REJOIN_MIN_BACKOFF : Duration.ofMillis(Math.min(backoff.toMillis() * 2, REJOIN_MAX_BACKOFF.toMillis()));
      log.warn("the member stopped ({}); starting it again to rejoin the cluster in {} ms", rejoin.why(), backoff.toMillis());
      Thread.sleep(backoff.toMillis());
    }
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServerCommand.class);
  private static final Duration REJOIN_MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration REJOIN_MAX_BACKOFF = Duration.ofSeconds(30);

  /** How one run of the member's actor system ended: exit the server, or start the member again. */
  private sealed interface Run {
    record Exit(int code) implements Run {}

    /** The cluster let the member go (downed, removed, or it found no one to join): a kubelet would retry, and so does it. */
    record Rejoin(String why, boolean wasUp) implements Run {}
  }

  /**
   * Runs the member's actor system until it stops: the first run's failures to start end the
   * server; a later run's are retried, as is every run the cluster ends (downed, removed, or
   * unable to join).
   */
  private Run runMember(Path data, boolean first) throws Exception {
    ClusterNode node = ClusterNode.start("dirigent", ConfigFactory.parseMap(overrides(data)));
    this.node = node;
    // However the member stops, the first thing it does is to say it is no longer ready.
    CoordinatedShutdown.get(node.system()).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "dirigent-not-ready", () -> {
      deleteQuietly(data.resolve(READY_FILE));
      log.info("shutdown step=not-ready reason={}", CoordinatedShutdown.get(node.system()).getShutdownReason()
          .map(reason -> reason.getClass().getSimpleName().replace("$", "")).orElse("none"));
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    try {
      node.ready().toCompletableFuture().get(readyTimeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      node.system().log().error("the member did not become ready within {} s: {}", readyTimeoutSeconds, e.toString());
      node.close();
      return first ? new Run.Exit(1) : new Run.Rejoin("not ready: " + e, false);
    }
    ApiServer api = null;
    if (Cluster.get(node.system()).selfMember().hasRole(ClusterNode.CONTROL_PLANE)) {
      String apiHost = node.system().settings().config().getString("dirigent.api.host");
      if (insecureHttp && !java.net.InetAddress.getByName(apiHost).isLoopbackAddress()) {
        node.system().log().error("--insecure-http serves only on a loopback address, not on {}: without TLS anyone on the network is any user", apiHost);
        node.close();
        return new Run.Exit(1);
      }
      try {
        api = ApiServer.start(node).toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        node.system().log().error("the API server could not listen on {}:{}: {}",
            node.system().settings().config().getString("dirigent.api.host"),
            node.system().settings().config().getInt("dirigent.api.port"), cause.getMessage());
        node.close();
        return first ? new Run.Exit(1) : new Run.Rejoin("API server not listening: " + cause.getMessage(), false);
      }
      this.api = api;
      Kubeconfig.write(data.resolve(KUBECONFIG_FILE), "dirigent", api.url(), api.authority().isPresent() ? adminCredentials(api.authority().get()) : Kubeconfig.Tls.NONE);
      // A singleton: it runs on one control-plane member at a time and moves when that one goes.
      Scheduler.init(node.system(), node.store());
      ControllerManager.init(node.system(), node.store());
    }
    if (Cluster.get(node.system()).selfMember().hasRole(ClusterNode.WORKER)) {
      this.agents = NodeAgents.start(node.system(), node.store());
    }
    String description = describe(node, data, api);
    writeReady(data, description);
    node.system().log().info("dirigent is ready: {}", description.replace('\n', ' '));
    if (!awaitTermination(node, () -> stopping || jvmStopping())) {
      // Its port is still held: a new member cannot start in this process. Exit, for a supervisor
      // (systemd's Restart=always, docs/operations.md) to start the server again.
      return new Run.Exit(3);
    }
    // The coordinated shutdown stopped everything in order; whatever a task did not finish within
    // its phase is released here, before the member may start again in this process.
    closeLeftovers();
    var reason = CoordinatedShutdown.get(node.system()).getShutdownReason();
    boolean letGo = reason.isPresent() && (reason.get() == CoordinatedShutdown.clusterDowningReason()
        || reason.get() == CoordinatedShutdown.clusterLeavingReason()
        || reason.get() == CoordinatedShutdown.clusterJoinUnsuccessfulReason());
    return letGo && !stopping ? new Run.Rejoin(reason.get().getClass().getSimpleName().replace("$", ""), true) : new Run.Exit(0);
  }

  /**
   * Whether the JVM is on its way out (SIGTERM while the cluster was letting the member go, whose
   * shutdown then carries the cluster's reason, not the JVM's): no member is started again then.
   * The JVM refuses a new shutdown hook exactly then.
   */
  private static boolean jvmStopping() {
    Thread probe = new Thread(() -> { }, "dirigent-jvm-stopping-probe");
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException shuttingDown) {
      return true;
    }
  }

  /** Why a server stopped in-process ({@link #stop()}) shut its member down: it is not started again. */
  private static final class ServerStopped implements CoordinatedShutdown.Reason {
    static final ServerStopped INSTANCE = new ServerStopped();
  }

  /**
   * Waits for the member's actor system to stop; false if it began to stop because the cluster let
   * it go (downed, removed) but did not finish within {@link #STOP_TIMEOUT}. Pekko's
   * remoting waits, when it stops, for its connections to close, and a connection into a partition
   * (packets dropped) does not close until TCP gives up, many minutes later: a member left like that
   * would hold its ports and answer nothing meanwhile.
   */
  private static boolean awaitTermination(ClusterNode node, java.util.function.BooleanSupplier serverStopping) throws InterruptedException {
    var terminated = node.system().getWhenTerminated().toCompletableFuture();
    var shutdown = CoordinatedShutdown.get(node.system());
    long began = 0;
    while (!terminated.isDone()) {
      if (began == 0 && shutdown.getShutdownReason().isPresent()) {
        began = System.nanoTime();
      }
      // Asked to stop (SIGTERM): the member leaves the cluster as slowly as it must, and the JVM
      // waits for it (Pekko's shutdown hook).
      if (began != 0 && !serverStopping.getAsBoolean() && System.nanoTime() - began > STOP_TIMEOUT.toNanos()) {
        log.error("the member began to stop ({}) but its actor system did not stop within {} s; exiting. Its threads:\n{}",
            shutdown.getShutdownReason().get().getClass().getSimpleName(), STOP_TIMEOUT.toSeconds(), threadDump());
        return false;
      }
      Thread.sleep(200);
    }
    return true;
  }

  /** A downed member stops in 1-2 s (FaultsIT); one that has not after this will not. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(4);

  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      if (stack.length == 0 || thread.getState() == Thread.State.TIMED_WAITING && stack[0].getMethodName().equals("park")) {
        return;
      }
      dump.append(thread.getName()).append(" ").append(thread.getState()).append('\n');
      for (int i = 0; i < Math.min(stack.length, 12); i++) {
        dump.append("    at ").append(stack[i]).append('\n');
      }
    });
    return dump.toString();
  }

  /** Set once the server is asked to stop: a member that then stops is not started again. */
  private volatile boolean stopping;

  /** The running member, once started; for stopping it in-process (tests). */
  private volatile ClusterNode node;

  private volatile ApiServer api;

  private volatile NodeAgents agents;

  /**
   * Stops the member as SIGTERM does, through its coordinated shutdown, and waits for it (at most
   * as long as the shutdown's phases may take); {@link #call()} then returns.
   */
  void stop() {
    stopping = true;
    ClusterNode member = node;
    if (member == null) {
      return;
    }
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(member.system());
    try {
      shutdown.run(ServerStopped.INSTANCE, java.util.Optional.empty()).toCompletableFuture()
          .get(shutdown.totalTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("the member did not stop within its coordinated shutdown's {} s: {}", shutdown.totalTimeout().toSeconds(), e.toString());
    }
  }

  /** Releases what the stopped member's shutdown tasks left (each is closed once, whoever comes first). */
  private synchronized void closeLeftovers() {
    NodeAgents running = agents;
    agents = null;
    ApiServer serving = api;
    api = null;
    // A failure here must not keep the server from starting the member again.
    for (AutoCloseable leftover : java.util.Arrays.asList(running, serving)) {
      if (leftover != null) {
        try {
          leftover.close();
        } catch (Exception e) {
          log.warn("could not close {} of the stopped member: {}", leftover.getClass().getSimpleName(), e.toString());
        }
      }
    }
  }

  /**
   * The kubeconfig's credentials: the cluster's authority, and a client certificate for the
   * cluster's administrator (user admin, group system:masters), issued at each start.
   */
  private static Kubeconfig.Tls adminCredentials(ClusterPki pki) throws IOException {
    ClusterPki.Issued admin = pki.issueClient("admin", List.of("system:masters"));
    // Beside the kubeconfig's copy, for clients that take files (curl --cert/--key).
    pki.save("admin", admin);
    return new Kubeconfig.Tls(pki.caPem(), ClusterPki.pem(admin.certificate()), ClusterPki.pem(admin.key()));
  }

  /**
   * Gets this member's certificate from the cluster at {@code --join} with a bootstrap token (its
   * authority checked against {@code --ca-cert-hash}), and the members to join through unless
   * {@code --seed-nodes} names them.
   */
  private void joinCluster(Path data) throws IOException, InterruptedException {
    if (join == null || token == null || caCertHash == null) {
      throw new CliException("--join, --token and --ca-cert-hash go together (dirigent token create prints them)");
    }
    if (insecureHttp) {
      throw new CliException("--join needs TLS between members: leave out --insecure-http");
    }
    if (roles == null || !roles.equals(List.of(ClusterNode.WORKER))) {
      throw new CliException("--join joins a worker (--roles worker): a control-plane member needs the cluster's authority and keys, "
          + "copied from the first one's DATA/pki (docs/security.md)");
    }
    // The member joins as the agent of this Node: its credential names it, so the agent must use the same name.
    String name = nodeName != null ? nodeName : java.net.InetAddress.getLocalHost().getHostName().toLowerCase();
    nodeName = name;
    List<String> seeds = MemberJoin.join(join, token, caCertHash, name, data.resolve(PKI_DIR));
    if (seedNodes == null || seedNodes.isEmpty()) {
      if (seeds.isEmpty()) {
        throw new CliException("the cluster at " + join + " names no control-plane member to join: pass --seed-nodes");
      }
      seedNodes = seeds;
    }
  }

  Map<String, Object> overrides(Path data) {
    Map<String, Object> config = new HashMap<>();
    config.put("dirigent.data-dir", data.toString());
    config.put("dirigent.api.tls.enabled", !insecureHttp);
    config.put("dirigent.api.tls.pki-dir", data.resolve(PKI_DIR).toString());
    config.put("dirigent.cluster.tls.enabled", !insecureHttp);
    put(config, "dirigent.api.port", apiPort);
    put(config, "dirigent.store.plugin", store);
    put(config, "dirigent.cassandra.contact-points", cassandraContactPoints);
    put(config, "dirigent.cassandra.keyspace", cassandraKeyspace);
    put(config, "dirigent.cluster.host", host);
    put(config, "dirigent.cluster.port", port);
    put(config, "dirigent.cluster.seed-nodes", seedNodes);
    put(config, "dirigent.cluster.roles", roles);
    put(config, "dirigent.node.name", nodeName);
    put(config, "dirigent.node.runtime", runtime);
    put(config, "dirigent.node.simulated.nodes", simulatedNodes);
    return config;
  }

  private static void put(Map<String, Object> config, String key, Object value) {
    if (value != null) {
      config.put(key, value);
    }
  }

  private static String describe(ClusterNode node, Path data, ApiServer api) {
    Config config = node.system().settings().config();
    var self = Cluster.get(node.system()).selfMember();
    return String.join("\n",
        "pid=" + ProcessHandle.current().pid(),
        "member=" + self.address(),
        "api=" + (api == null ? "" : api.url()),
        "roles=" + String.join(",", MemberRoles.declared(self.getRoles())),
        "store=" + config.getString("dirigent.store.plugin"),
        "data-dir=" + data,
        // The longest its coordinated shutdown may take (the sum of its phases' timeouts): how long
        // bin/dirigent down waits after SIGTERM before it falls back to SIGKILL.
        "stop-timeout=" + CoordinatedShutdown.get(node.system()).totalTimeout().toSeconds());
  }

  private static void writeReady(Path data, String content) throws IOException {
    Path tmp = data.resolve(READY_FILE + ".tmp");
    Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, data.resolve(READY_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Best effort on the way out; a stale file is overwritten on the next start.
    }
  }
}
