package io.dirigent.node.testing;

import static org.assertj.core.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.NodeSettings;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** A member on the in-memory store for node agent tests, and ways to wait for pods. */
public final class NodeTesting {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private NodeTesting() {}

  /** Node agent settings for tests: quick leases, quick resyncs, back-off from 1 s to 4 s. */
  public static Config settings(Path dataDir) {
    return ConfigFactory.parseMap(Map.of(
        "dirigent.store.plugin", "memory",
        "dirigent.data-dir", dataDir.toString(),
        "dirigent.node.lease-renew-interval", "500ms",
        "dirigent.node.status-update-interval", "2s",
        "dirigent.node.resync-interval", "2s",
        "dirigent.node.restart-backoff.initial", "1s",
        "dirigent.node.restart-backoff.max", "4s",
        "dirigent.node.default-grace-period", "5s"));
  }

  public static ClusterNode member(Path dataDir) {
    return TestNodes.start(settings(dataDir));
  }

  public static NodeSettings node(ClusterNode member, String name) {
    return NodeSettings.from(member.system().settings().config()).withName(name);
  }

  public static String unique(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100_000, 36);
  }

  public static String namespace(ClusterNode member) {
    String name = unique("ns");
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()));
    return name;
  }

  /** A new namespace labelled for Pod Security's {@code privileged} level: its pods may use host ports and paths. */
  public static String privilegedNamespace(ClusterNode member) {
    String name = unique("ns");
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(name)
        .withLabels(java.util.Map.of("pod-security.kubernetes.io/enforce", "privileged")).endMetadata().build()));
    return name;
  }

  /** Waits until the pod satisfies {@code condition}, failing with its last status. */
  public static Pod awaitPod(ClusterNode member, String namespace, String name, String what, Duration timeout, Predicate<Pod> condition) {
    AtomicReference<Pod> last = new AtomicReference<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Pod pod = member.store().get(Pod.class, namespace, name).toCompletableFuture().get();
        last.set(pod);
        if (condition.test(pod)) {
          return pod;
        }
      } catch (Exception e) {
        if (!(e.getCause() instanceof StoreException)) {
          throw new AssertionError(e);
        }
      }
      sleep(50);
    }
    return fail("pod %s/%s: timed out after %s waiting until %s; last seen: %s".formatted(namespace, name, timeout, what,
        last.get() == null ? "none" : last.get().getStatus()));
  }

  /** Waits until the pod is gone from the store. */
  public static void awaitGone(ClusterNode member, String namespace, String name, Duration timeout) {
    Await.until("pod " + name + " deleted", timeout, () -> {
      try {
        member.store().get(Pod.class, namespace, name).toCompletableFuture().get();
        return false;
      } catch (Exception e) {
        return true;
      }
    });
  }

  public static boolean running(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
  }

  public static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  public static Optional<ContainerStatus> container(Pod pod, String name) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream().filter(c -> c.getName().equals(name)).findFirst();
  }

  public static int restarts(Pod pod, String container) {
    return container(pod, container).map(ContainerStatus::getRestartCount).orElse(0);
  }

  public static String waitingReason(Pod pod, String container) {
    return container(pod, container).map(c -> c.getState().getWaiting() == null ? "" : c.getState().getWaiting().getReason()).orElse("");
  }

  /** The events recorded about an object, by reason. */
  public static List<Event> events(ClusterNode member, String namespace, String involvedName) {
    return Await.result(member.store().list(Event.class, ListOptions.of(
        new ObjectFilter(namespace, "", "involvedObject.name=" + involvedName)))).items(Event.class);
  }

  /** Stops the agents, removes every container of {@code node} from the engine, and stops the member. */
  public static void stopAll(io.dirigent.node.NodeAgents agents, io.dirigent.node.runtime.ContainerRuntime runtime, NodeSettings node,
      ClusterNode member) {
    if (agents != null) {
      agents.close();
    }
    if (runtime != null) {
      for (var container : Await.result(runtime.containers(node.name()))) {
        Await.result(runtime.removeContainer(container.id()));
      }
      runtime.close();
    }
    if (member != null) {
      member.close();
    }
  }

  /** Events are written after the status they explain may already show it: waits for them. */
  public static void awaitEvents(ClusterNode member, String namespace, String involvedName, String... reasons) {
    Await.until("events " + List.of(reasons) + " about " + involvedName, Duration.ofSeconds(30),
        () -> events(member, namespace, involvedName).stream().map(Event::getReason).toList().containsAll(List.of(reasons)));
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
