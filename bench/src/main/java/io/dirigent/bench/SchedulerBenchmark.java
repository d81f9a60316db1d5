package io.dirigent.bench;

import io.dirigent.controllers.ControllerManager;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.JvmDefaults;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.WatchEvent;
import io.dirigent.core.store.WatchOptions;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.dirigent.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The scheduler and the controllers at scale, on the embedded H2 store:
 * <ol>
 *   <li>Kubernetes' scheduler_perf SchedulingBasic shape: {@code nodes} Ready nodes (Node objects
 *   only, as there) and {@code pods} pending pods; the scheduler starts and binds them all.
 *   Throughput is pods bound per second from its start, its informers' initial lists included.
 *   The same round runs once before, unreported, on a member of its own: on two cores the JIT
 *   compiler otherwise takes one of them for most of the measured round, which a long-running
 *   scheduler does not pay.</li>
 *   <li>A Deployment of {@code replicas} on {@code simNodes} simulated nodes (agents included):
 *   time from its create until every pod is Running.</li>
 * </ol>
 * Usage: {@code SchedulerBenchmark [nodes] [pods] [simNodes] [replicas]}.
 */
public final class SchedulerBenchmark {

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int pods = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int simNodes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int replicas = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    System.out.println("| measurement | nodes | pods | seconds | pods/s | CPU per pod (µs) |");
    System.out.println("|---|---|---|---|---|---|");
    schedulingBasic(nodes, pods, false);
    schedulingBasic(nodes, pods, true);
    deployment(simNodes, replicas);
    System.exit(0);
  }

  private static ClusterNode member(String name, Map<String, Object> extra) throws Exception {
    Map<String, Object> config = new HashMap<>(extra);
    config.put("dirigent.scheduler.events", "off");
    config.put("dirigent.controllers.events", "off");
    config.put("dirigent.store.ask-timeout", "60s");
    ClusterNode member = BenchMember.start(name, "h2", config);
    member.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
    return member;
  }

  private static void schedulingBasic(int nodes, int pods, boolean report) throws Exception {
    ClusterNode member = member("scheduler-bench", Map.of());
    try {
      System.err.printf("creating %d nodes and %d pods%n", nodes, pods);
      run(nodes, i -> member.store().create(new NodeBuilder().withNewMetadata().withName("node-" + i).addToLabels("kubernetes.io/hostname", "node-" + i).endMetadata()
          .withNewSpec().endSpec().withNewStatus()
          .addToAllocatable("cpu", new Quantity("4")).addToAllocatable("memory", new Quantity("32Gi")).addToAllocatable("pods", new Quantity("110"))
          .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).toCompletableFuture());
      member.store().create(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).toCompletableFuture().get();
      run(pods, i -> member.store().create(new PodBuilder().withNewMetadata().withName("pod-" + i).withNamespace("bench").endMetadata()
          .withNewSpec().addNewContainer().withName("c").withImage("dirigent/busybox:1").withNewResources()
          .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("500Mi")).endResources().endContainer().endSpec()
          .build()).toCompletableFuture());
      System.err.println("starting the scheduler");
      long cpuBefore = Measure.processCpuNanos();
      long start = System.nanoTime();
      Scheduler.init(member.system(), member.store());
      awaitPods(member, "spec.nodeName!=", pods, 600);
      double seconds = (System.nanoTime() - start) / 1e9;
      long cpu = Measure.processCpuNanos() - cpuBefore;
      if (!report) {
        System.err.printf("warm-up round: %d pods onto %d nodes in %.2f s%n", pods, nodes, seconds);
        return;
      }
      System.out.printf("| scheduling %d pending pods onto %d nodes (SchedulingBasic), from the scheduler's start | %d | %d | %.2f | %.0f | %d |%n",
          pods, nodes, nodes, pods, seconds, pods / seconds, cpu / 1000 / pods);
    } finally {
      member.close();
    }
  }

  private static void deployment(int simNodes, int replicas) throws Exception {
    ClusterNode member = member("deployment-bench", Map.of());
    SimulatedRuntime runtime = new SimulatedRuntime(Clock.systemUTC());
    NodeAgents agents = NodeAgents.create(member.system(), member.store(), Clock.systemUTC());
    try {
      NodeSettings base = NodeSettings.simulated(member.system().settings().config(), 1);
      agents.startSimulated(simNodes, runtime, i -> base.withName("sim-" + i));
      awaitAll(() -> {
        try {
          return member.store().list(Node.class, ListOptions.ALL).toCompletableFuture().get().items().size() >= simNodes;
        } catch (Exception e) {
          return false;
        }
      }, 120);
      Scheduler.init(member.system(), member.store());
      ControllerManager.init(member.system(), member.store());
      member.store().create(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).toCompletableFuture().get();
      Thread.sleep(3000);
      long cpuBefore = Measure.processCpuNanos();
      long start = System.nanoTime();
      member.store().create(new DeploymentBuilder().withNewMetadata().withName("big").withNamespace("bench").endMetadata()
          .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "big").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "big").endMetadata()
          .withNewSpec().addNewContainer().withName("c").withImage("dirigent/busybox:1").endContainer().endSpec().endTemplate()
          .endSpec().build()).toCompletableFuture().get();
      awaitPods(member, "status.phase=Running", replicas, 600);
      double seconds = (System.nanoTime() - start) / 1e9;
      long cpu = Measure.processCpuNanos() - cpuBefore;
      System.out.printf("| a Deployment of %d replicas until all Running, on %d simulated nodes | %d | %d | %.2f | %.0f | %d |%n",
          replicas, simNodes, simNodes, replicas, seconds, replicas / seconds, cpu / 1000 / replicas);
    } finally {
      agents.close();
      runtime.close();
      member.close();
    }
  }

  /**
   * Waits until {@code target} pods of the bench namespace have matched the field selector,
   * counted from a watch (which starts with the pods matching already), so that waiting costs the
   * store next to nothing.
   */
  private static void awaitPods(ClusterNode member, String fieldSelector, int target, int seconds) throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> reached = new CompletableFuture<>();
    UniqueKillSwitch watch = member.store().watch(Pod.class, WatchOptions.from(new ObjectFilter("bench", "", fieldSelector), null))
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.foreach(event -> {
          if (event.type() != WatchEvent.Type.DELETED && seen.add(KubeJson.name(event.object())) && seen.size() >= target) {
            reached.complete(null);
          }
        }), Keep.left())
        .run(member.system());
    try {
      reached.get(seconds, TimeUnit.SECONDS);
    } finally {
      watch.shutdown();
    }
  }

  /** Runs {@code count} creates, at most 64 at a time. */
  private static void run(int count, java.util.function.IntFunction<CompletableFuture<?>> create) throws Exception {
    Semaphore slots = new Semaphore(64);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      all.add(create.apply(i).whenComplete((done, failure) -> slots.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(600, TimeUnit.SECONDS);
  }

  private static void awaitAll(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + seconds + " s");
      }
      Thread.sleep(100);
    }
  }
}
