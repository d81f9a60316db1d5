package io.dirigent.node;

import com.typesafe.config.Config;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.Store;
import io.dirigent.node.runtime.ContainerRuntime;
import io.dirigent.node.runtime.DockerRuntime;
import io.dirigent.node.network.HostNetwork;
import io.dirigent.node.network.NetworkSettings;
import io.dirigent.node.network.PodNetwork;
import io.dirigent.node.proxy.IptablesProxier;
import io.dirigent.node.proxy.IptablesRules;
import io.dirigent.node.proxy.Proxier;
import io.dirigent.node.proxy.ServiceProxy;
import io.dirigent.node.proxy.UserspaceProxier;
import io.dirigent.node.runtime.SimulatedRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Starts the node agents a worker member runs: the one for its own host (on Docker, or simulated)
 * and any extra simulated nodes ({@code dirigent.node.simulated.nodes}). Closing stops the
 * agents and releases the runtimes; the containers keep running, for the next agent to adopt.
 */
public final class NodeAgents implements AutoCloseable {

  private final List<ActorRef<NodeAgent.Command>> agents = new ArrayList<>();
  // Started on the caller's thread, stopped from the coordinated shutdown's: each list is its own lock.
  private final List<ActorRef<SimulatedNodes.Command>> fleets = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<ActorRef<ServiceProxy.Command>> proxies = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<ActorRef<PodNetwork.Command>> networks = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<ContainerRuntime> runtimes = java.util.Collections.synchronizedList(new ArrayList<>());
  private final ExecutorService blocking;
  private final ActorSystem<?> system;
  private final Store store;
  private final Clock clock;
  /** How long a stopping member's agents may take to say they stop before they are stopped ({@code dirigent.node.retire-timeout}). */
  private final Duration retireTimeout;

  private NodeAgents(ActorSystem<?> system, Store store, Clock clock) {
    this.system = system;
    this.store = store;
    this.clock = clock;
    this.retireTimeout = system.settings().config().getDuration("dirigent.node.retire-timeout");
    AtomicInteger threads = new AtomicInteger();
    this.blocking = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "dirigent-node-files-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The agents the member's configuration asks for. */
  public static NodeAgents start(ActorSystem<?> system, Store store) {
    Config config = system.settings().config();
    NodeAgents agents = new NodeAgents(system, store, Clock.systemUTC());
    NodeSettings own = NodeSettings.from(config);
    String runtime = config.getString("dirigent.node.runtime");
    SimulatedRuntime simulated = null;
    switch (runtime) {
      case "docker" -> {
        DockerRuntime docker = agents.keep(new DockerRuntime(config.getString("dirigent.node.docker.host"),
            config.getString("dirigent.node.docker.sandbox-image"), config.getInt("dirigent.node.docker.threads"), instance(config),
            config.getDuration("dirigent.node.docker.connect-timeout")));
        agents.startPodNetwork(own, NetworkSettings.from(config), docker);
        docker.poolSandboxes(own.name(), config.getInt("dirigent.node.sandbox-pool"), config.getString("dirigent.node.docker.busybox"));
        // The pool's free sandboxes go while the member stops, before the JVM may end.
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "dirigent-sandbox-pool",
            () -> onItsOwnThread("dirigent-sandbox-pool-close", docker::closePool).thenApply(done -> logged("sandbox-pool-removed", done)));
        agents.startAgent(own, docker);
      }
      case "simulated" -> {
        simulated = agents.keep(new SimulatedRuntime(agents.clock));
        agents.startAgent(own, simulated);
      }
      case "none" -> { }
      default -> throw new IllegalArgumentException("unknown node runtime '" + runtime + "': use docker, simulated or none");
    }
    if (runtime.equals("docker")) {
      agents.startProxy(proxier(system, own));
    }
    agents.stopsWith(CoordinatedShutdown.get(system));
    int count = config.getInt("dirigent.node.simulated.nodes");
    if (count > 0) {
      agents.startSimulated(count, simulated != null ? simulated : agents.keep(new SimulatedRuntime(agents.clock)),
          i -> NodeSettings.simulated(config, i));
    }
    return agents;
  }

  /**
   * What tells this server's containers from another server's on the same engine: derived from its
   * data directory, so that it stays the same across restarts (the containers are adopted) and two
   * servers on one host differ.
   */
  static String instance(Config config) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
          java.nio.file.Path.of(config.getString("dirigent.data-dir")).toAbsolutePath().normalize().toString()
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The proxier {@code dirigent.proxy.mode} asks for on this host; null for none. */
  static Proxier proxier(ActorSystem<?> system, NodeSettings node) {
    Config config = system.settings().config();
    String mode = config.getString("dirigent.proxy.mode");
    IptablesRules rules = new IptablesRules(config.getString("dirigent.proxy.chain-prefix"), config.getString("dirigent.services.cluster-ip-range"));
    return switch (mode) {
      case "iptables" -> new IptablesProxier(rules);
      case "userspace" -> new UserspaceProxier(system, List.of(node.address(), "127.0.0.1").stream().distinct().toList());
      case "auto" -> IptablesProxier.available() ? new IptablesProxier(rules)
          : new UserspaceProxier(system, List.of(node.address(), "127.0.0.1").stream().distinct().toList());
      case "none" -> null;
      default -> throw new IllegalArgumentException("unknown proxy mode '" + mode + "': use iptables, userspace, auto or none");
    };
  }

  /**
   * Starts this host's part of the pod network for node {@code own} (unless its mode is the
   * engine's default bridge): the node's sandboxes wait until its range is in place.
   */
  public void startPodNetwork(NodeSettings own, NetworkSettings network, DockerRuntime docker) {
    if (network.mode() == NetworkSettings.Mode.BRIDGE) {
      return;
    }
    if (!HostNetwork.available()) {
      system.log().warn("the pod network needs ip, bridge and iptables-restore (iproute2, iptables): this host's pods use the engine's default bridge and reach no other host's");
      return;
    }
    docker.awaitPodNetwork(network.readyTimeout());
    Store asNode = store.as(Callers.get(system).node(own.name()));
    networks.add(system.systemActorOf(PodNetwork.create(asNode, own.name(), own.address(), network, new HostNetwork(network, docker), blocking,
        PodNetwork.Timing.from(system.settings().config()), docker::podNetworkReady),
        "pod-network-" + System.nanoTime(), Props.empty()));
  }

  /** Starts the host's service proxy with {@code proxier} (none if null). */
  public void startProxy(Proxier proxier) {
    if (proxier == null) {
      return;
    }
    proxies.add(system.systemActorOf(ServiceProxy.create(store, proxier, blocking, ServiceProxy.Timing.from(system.settings().config()),
        new EventRecorder(store, "kube-proxy", null, clock)), "service-proxy-" + System.nanoTime(), Props.empty()));
  }

  /** An empty set of agents, for tests to add to. */
  public static NodeAgents create(ActorSystem<?> system, Store store, Clock clock) {
    return new NodeAgents(system, store, clock);
  }

  private <R extends ContainerRuntime> R keep(R runtime) {
    runtimes.add(runtime);
    return runtime;
  }

  /** Starts the agent of one node; the runtime stays the caller's. */
  public ActorRef<NodeAgent.Command> startAgent(NodeSettings settings, ContainerRuntime runtime) {
    ActorRef<NodeAgent.Command> agent = system.systemActorOf(NodeAgent.create(context(settings, runtime), true, runtime instanceof SimulatedRuntime),
        "node-agent-" + settings.name() + "-" + System.nanoTime(), Props.empty());
    synchronized (agents) {
      agents.add(agent);
    }
    return agent;
  }

  /**
   * Starts {@code count} simulated nodes sharing one pod informer; {@code settingsOf(i)} names the
   * i-th (from 1). Closing the answer stops them.
   */
  public AutoCloseable startSimulated(int count, SimulatedRuntime runtime, java.util.function.IntFunction<NodeSettings> settingsOf) {
    ActorRef<SimulatedNodes.Command> fleet = system.systemActorOf(SimulatedNodes.create(count, i -> context(settingsOf.apply(i), runtime)),
        "simulated-nodes-" + System.nanoTime(), Props.empty());
    fleets.add(fleet);
    return () -> {
      fleet.tell(new SimulatedNodes.Stop());
      fleets.remove(fleet);
    };
  }

  /**
   * The agent of {@code settings}' node works on the store as that node (Kubernetes' node
   * identity): it reads and writes what its Node and the pods bound to it need, nothing more.
   */
  private NodeAgentContext context(NodeSettings settings, ContainerRuntime runtime) {
    boolean simulated = runtime instanceof SimulatedRuntime;
    Store node = store.as(Callers.get(system).node(settings.name()));
    if (!settings.name().equals(node.caller().nodeName())) {
      system.log().warn("node {} runs with the credential of {}: the store will refuse what it writes as {} (start it with --node-name {})",
          settings.name(), node.caller().user(), settings.name(), node.caller().nodeName());
    }
    EventRecorder recorder = settings.events() ? new EventRecorder(node, "kubelet", settings.name(), clock) : null;
    return new NodeAgentContext(node, runtime, simulated ? "simulated" : "docker", settings, recorder,
        new ContainerSpecs(node, simulated ? null : settings.podsDir(), settings.volumesDir(), blocking,
            simulated ? null : new PodTokens(system, node.caller(), system.settings().config().getDuration("dirigent.store.ask-timeout"))),
        clock, blocking, org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString());
  }

  /** Stops one agent (as if its process died); its containers keep running. */
  public void stop(ActorRef<NodeAgent.Command> agent) {
    agent.tell(new NodeAgent.Stop());
    synchronized (agents) {
      agents.remove(agent);
    }
  }

  /** Set once the agents were retired or stopped: it happens once, from whichever way out comes first. */
  private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Ends the agents once: on a member that is Up (or leaving), as a restart ({@link NodeAgent.Retire}:
   * their Leases say so, and their pods wait for them), each given {@code timeout}; on one the
   * cluster downed, by stopping them (the cluster took the member, and so its nodes, for failed).
   */
  private CompletableFuture<Done> finishAgents(Duration timeout) {
    List<ActorRef<NodeAgent.Command>> running;
    synchronized (agents) {
      running = List.copyOf(agents);
      agents.clear();
    }
    if (!finished.compareAndSet(false, true) || system.whenTerminated().isCompleted()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    var status = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().status();
    if (status != org.apache.pekko.cluster.MemberStatus.up() && status != org.apache.pekko.cluster.MemberStatus.leaving()) {
      running.forEach(agent -> agent.tell(new NodeAgent.Stop()));
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    List<CompletableFuture<Done>> retired = running.stream()
        .map(agent -> AskPattern.<NodeAgent.Command, Done>ask(
            agent, NodeAgent.Retire::new, timeout, system.scheduler()).toCompletableFuture()
            .exceptionally(failure -> {
              system.log().warn("node agent {} did not retire within {}: {}", agent.path().name(), timeout, failure.toString());
              agent.tell(new NodeAgent.Stop());
              return Done.getInstance();
            }))
        .toList();
    return CompletableFuture.allOf(retired.toArray(CompletableFuture[]::new))
        .thenApply(all -> Done.getInstance());
  }

  /**
   * The agents' part of the member's coordinated shutdown, however the member stops (the server's
   * SIGTERM, being downed): the agents end first, while the store is still reachable to hear that
   * they are restarting; once the API server has stopped listening, the service proxies remove
   * their rules and the rest stops (the pod network stays as it is, for the pods that keep
   * running); the runtimes close last, before the actor system ends. Each phase's timeout
   * ({@code pekko.coordinated-shutdown.phases}) bounds its tasks.
   */
  private void stopsWith(CoordinatedShutdown shutdown) {
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "dirigent-node-agents",
        () -> finishAgents(retireTimeout).thenApply(done -> logged("node-agents-retired", done)));
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "dirigent-service-proxies",
        () -> stopProxies(stopTimeout()).thenApply(done -> logged("service-proxy-rules-removed", done)));
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "dirigent-node-actors", () -> {
      stopNodeActors();
      return CompletableFuture.completedFuture(logged("node-actors-stopped", Done.getInstance()));
    });
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "dirigent-container-runtimes",
        () -> onItsOwnThread("dirigent-runtimes-close", this::closeRuntimes).thenApply(done -> logged("runtimes-closed", done)));
  }

  /** Says that shutdown step {@code step} is done (docs/operations.md lists them in order). */
  private static Done logged(String step, Done done) {
    log.info("shutdown step={}", step);
    return done;
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NodeAgents.class);

  private Duration stopTimeout() {
    return system.settings().config().getDuration("dirigent.proxy.stop-timeout");
  }

  /** Runs blocking {@code work} on a thread of its own; the answer completes when it is done. */
  private static CompletableFuture<Done> onItsOwnThread(String name, Runnable work) {
    return CompletableFuture.supplyAsync(() -> {
      work.run();
      return Done.getInstance();
    }, runnable -> new Thread(runnable, name).start());
  }

  /** Stops the service proxies and waits (at most {@code dirigent.proxy.stop-timeout}) until their rules are gone from the host. */
  public void stopProxies() {
    stopProxies(stopTimeout()).join();
  }

  /** Asks every service proxy to remove its rules and stop; completes when all did, or {@code timeout} passed. */
  private CompletableFuture<Done> stopProxies(Duration timeout) {
    List<ActorRef<ServiceProxy.Command>> running = drain(proxies);
    List<CompletableFuture<Done>> stopped = running.stream()
        .map(proxy -> AskPattern.<ServiceProxy.Command, Done>ask(proxy, ServiceProxy.Stop::new, timeout, system.scheduler())
            .toCompletableFuture()
            .exceptionally(failure -> {
              system.log().warn("service proxy {} did not remove its rules within {}: {}", proxy.path().name(), timeout, failure.toString());
              return Done.getInstance();
            }))
        .toList();
    return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).thenApply(all -> Done.getInstance());
  }

  /** Stops the simulated fleets and the pod network's actor; the network itself stays, for the pods. */
  private void stopNodeActors() {
    drain(fleets).forEach(fleet -> fleet.tell(new SimulatedNodes.Stop()));
    drain(networks).forEach(network -> network.tell(new PodNetwork.Stop()));
  }

  private void closeRuntimes() {
    drain(runtimes).forEach(ContainerRuntime::close);
  }

  /** What {@code list} holds, taken out of it: each thing is stopped once, by whichever way out comes first. */
  private <T> List<T> drain(List<T> list) {
    synchronized (list) {
      List<T> taken = List.copyOf(list);
      list.clear();
      return taken;
    }
  }

  /**
   * Stops the agents as a restart does ({@link NodeAgent.Retire}: their Leases say so, and their
   * pods stay for the restart grace period), then the proxies and runtimes; the containers keep
   * running, for the next agents to adopt. After the member's coordinated shutdown (a member
   * started with {@link #start}) only what its tasks did not finish is left to do.
   */
  @Override
  public void close() {
    if (!system.whenTerminated().isCompleted()) {
      finishAgents(retireTimeout).join();
      stopNodeActors();
      stopProxies(stopTimeout()).join();
    } else {
      // The actor system is gone, and its actors with it: only the runtimes are left to release.
      drain(fleets);
      drain(networks);
      drain(proxies);
    }
    closeRuntimes();
    blocking.shutdown();
  }

}
