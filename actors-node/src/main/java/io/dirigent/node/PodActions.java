package io.dirigent.node;

import io.dirigent.core.events.EventRecorder;
import io.dirigent.node.PodPlanner.Action;
import io.dirigent.node.PodPlanner.StartFailure;
import io.dirigent.node.runtime.RuntimeContainer;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import io.dirigent.node.runtime.SandboxSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one plan of one pod, off the pod worker's thread. Everything it needs — the pod as
 * the plan was made for it, its running sandbox — is handed to it on the worker's thread when it
 * is made, and nothing of the worker is read or written after: what happened comes back as the
 * results of its stage, which the worker receives as a message. The pod is never changed (the
 * worker replaces its pod with a new object on each update, and never changes one it handed out).
 */
final class PodActions {

  /** What carrying out one action came to. */
  sealed interface Result {}

  record ContainerStarted(String name) implements Result {}

  record StartFailed(String name, StartFailure failure) implements Result {}

  record Done() implements Result {}

  private static final Logger log = LoggerFactory.getLogger(PodActions.class);

  private final NodeAgentContext node;
  private final Pod pod;
  private final String uid;
  /** The sandbox the plan's containers join: the running one, then the one the plan makes. Only the stage's own chain sets it, one step after another. */
  private volatile RuntimeContainer sandbox;

  PodActions(NodeAgentContext node, Pod pod, RuntimeContainer runningSandbox) {
    this.node = node;
    this.pod = pod;
    this.uid = pod.getMetadata().getUid();
    this.sandbox = runningSandbox;
  }

  /**
   * Carries out {@code actions} in order, except that consecutive stops of app containers run at
   * once; an action that fails is logged and the next goes on.
   */
  CompletionStage<List<Result>> carryOut(List<Action> actions) {
    CompletionStage<List<Result>> chain = CompletableFuture.completedFuture(new ArrayList<>());
    for (List<Action> step : steps(actions)) {
      chain = chain.thenCompose(results -> {
        List<CompletableFuture<Result>> running = step.stream().map(action -> run(action).toCompletableFuture()
            .<Result>handle((result, failure) -> {
              if (failure != null) {
                log.info("pod action failed pod={}/{} action={} error={}", namespace(), name(), action.getClass().getSimpleName(),
                    Failures.cause(failure).getMessage());
                return new Done();
              }
              return result;
            })).toList();
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).thenApply(done -> {
          running.forEach(result -> results.add(result.join()));
          return results;
        });
      });
    }
    return chain.thenApply(List::copyOf);
  }

  /** The plan in steps: consecutive stops of app containers form one step; everything else is a step of its own. */
  static List<List<Action>> steps(List<Action> actions) {
    List<List<Action>> steps = new ArrayList<>();
    for (Action action : actions) {
      boolean parallel = action instanceof PodPlanner.KillContainer kill && kill.message() != null;
      List<Action> last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
      if (parallel && last != null && last.get(0) instanceof PodPlanner.KillContainer previous && previous.message() != null) {
        last.add(action);
      } else {
        steps.add(new ArrayList<>(List.of(action)));
      }
    }
    return steps;
  }

  private CompletionStage<? extends Result> run(Action action) {
    var runtime = node.runtime();
    if (action instanceof PodPlanner.CreateSandbox create) {
      sandbox = null;
      return removeAll(create.remove()).thenCompose(removed -> runtime.runSandbox(sandboxSpec(create.attempt())))
          .handle((created, failure) -> {
            if (failure != null) {
              event(null, EventRecorder.WARNING, "FailedCreatePodSandBox", "Failed to create pod sandbox: " + Failures.cause(failure).getMessage());
              throw new CompletionException(Failures.cause(failure));
            }
            sandbox = created;
            return new Done();
          });
    }
    if (action instanceof PodPlanner.StartContainer start) {
      return startContainer(start, sandbox);
    }
    if (action instanceof PodPlanner.KillContainer kill) {
      if (kill.message() != null) {
        event(kill.name(), EventRecorder.NORMAL, "Killing", kill.message());
      }
      Instant start = node.clock().instant();
      return preStop(kill).thenCompose(hooked -> {
        // The hook's time comes out of the grace period, as in Kubernetes.
        Duration left = kill.grace().minus(Duration.between(start, node.clock().instant()));
        return runtime.stopContainer(kill.id(), left.isNegative() ? Duration.ZERO : left);
      }).thenApply(done -> new Done());
    }
    if (action instanceof PodPlanner.RemoveContainers remove) {
      return removeAll(remove.ids()).thenApply(done -> new Done());
    }
    throw new IllegalStateException("unknown action " + action);
  }

  /**
   * The container's preStop hook, if it has one: a command run in it, or a sleep — both bounded
   * by the grace period. A failing hook is reported and the stop goes on.
   */
  private CompletionStage<Void> preStop(PodPlanner.KillContainer kill) {
    var lifecycle = PodSpecs.container(pod, kill.name()).map(Container::getLifecycle).orElse(null);
    var hook = lifecycle == null ? null : lifecycle.getPreStop();
    if (hook == null || kill.message() == null) {
      return CompletableFuture.completedFuture(null);
    }
    if (hook.getExec() != null && hook.getExec().getCommand() != null) {
      return node.runtime().exec(kill.id(), hook.getExec().getCommand(), kill.grace()).handle((result, failure) -> {
        if (failure != null || result.exitCode() != 0) {
          String why = failure != null ? Failures.cause(failure).getMessage() : "exit code " + result.exitCode() + ": " + result.output();
          event(kill.name(), EventRecorder.WARNING, "FailedPreStopHook", "PreStopHook failed: " + why);
        }
        return null;
      });
    }
    if (hook.getSleep() != null && hook.getSleep().getSeconds() != null) {
      Duration sleep = Duration.ofSeconds(hook.getSleep().getSeconds());
      Duration bounded = sleep.compareTo(kill.grace()) > 0 ? kill.grace() : sleep;
      return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(bounded.toMillis(), TimeUnit.MILLISECONDS));
    }
    return CompletableFuture.completedFuture(null);
  }

  private CompletionStage<Void> removeAll(List<String> ids) {
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (String id : ids) {
      chain = chain.thenCompose(done -> node.runtime().removeContainer(id));
    }
    return chain;
  }

  private CompletionStage<Result> startContainer(PodPlanner.StartContainer start, RuntimeContainer joined) {
    Container container = start.container();
    String name = container.getName();
    if (joined == null) {
      return CompletableFuture.completedFuture(new Done());
    }
    var runtime = node.runtime();
    ContainerLabels labels = new ContainerLabels(node.settings().name(), uid, name(), namespace(), name, start.attempt(), PodPlanner.hash(container));
    return runtime.image(container.getImage()).thenCompose(image -> {
      if (image.isEmpty()) {
        String message = "image \"%s\" is not present on node %s, and this node pulls no images (build it locally: bin/docker-engine)"
            .formatted(container.getImage(), node.settings().name());
        event(name, EventRecorder.WARNING, "Failed", "Failed to pull image \"%s\": %s".formatted(container.getImage(), message));
        event(name, EventRecorder.WARNING, "Failed", "Error: ErrImagePull");
        return CompletableFuture.completedFuture((Result) new StartFailed(name, new StartFailure("ErrImagePull", "ImagePullBackOff", message, 1)));
      }
      event(name, EventRecorder.NORMAL, "Pulled", "Container image \"%s\" already present on machine".formatted(container.getImage()));
      return node.specs().build(pod, container, image.get().user(), labels, joined.id(), joined.ip(), node.settings().address())
          .handle((spec, failure) -> {
            if (failure != null) {
              throw failed(name, "CreateContainerConfigError", failure);
            }
            return spec;
          })
          .thenCompose(spec -> runtime.createContainer(spec).handle((id, failure) -> {
            if (failure != null) {
              throw failed(name, "CreateContainerError", failure);
            }
            event(name, EventRecorder.NORMAL, "Created", "Created container " + name);
            return id;
          }))
          .thenCompose(id -> runtime.startContainer(id).handle((started, failure) -> {
            if (failure != null) {
              throw failed(name, "RunContainerError", failure);
            }
            event(name, EventRecorder.NORMAL, "Started", "Started container " + name);
            return (Result) new ContainerStarted(name);
          }))
          .thenCompose(result -> removeAll(start.remove()).thenApply(removed -> result))
          .exceptionally(failure -> {
            if (Failures.cause(failure) instanceof StartError error) {
              return error.result;
            }
            throw new CompletionException(Failures.cause(failure));
          });
    });
  }

  /** A start that failed with {@code reason}: its event, and the result the worker backs off on. */
  private StartError failed(String container, String reason, Throwable failure) {
    String message = Failures.cause(failure).getMessage();
    event(container, EventRecorder.WARNING, "Failed", "Error: " + message);
    return new StartError(new StartFailed(container, new StartFailure(reason, reason, message, 1)));
  }

  /** Carries a start failure's result out of a stage. */
  private static final class StartError extends RuntimeException {
    final StartFailed result;

    StartError(StartFailed result) {
      super(result.failure().message(), null, false, false);
      this.result = result;
    }
  }

  private SandboxSpec sandboxSpec(int attempt) {
    ContainerLabels labels = new ContainerLabels(node.settings().name(), uid, name(), namespace(), ContainerLabels.SANDBOX, attempt, "");
    List<SandboxSpec.PortMapping> ports = new ArrayList<>();
    for (Container container : PodSpecs.allContainers(pod)) {
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        if (port.getHostPort() != null && port.getHostPort() > 0) {
          ports.add(new SandboxSpec.PortMapping(port.getContainerPort(), port.getHostPort(),
              port.getProtocol() == null ? "TCP" : port.getProtocol(), port.getHostIP()));
        }
      }
    }
    String hostname = pod.getSpec().getHostname() != null ? pod.getSpec().getHostname() : name();
    // As the kubelet: at most 63 characters, without a '-' or '.' left at the end by the cut.
    if (hostname.length() > 63) {
      hostname = hostname.substring(0, 63).replaceAll("[-.]+$", "");
    }
    return new SandboxSpec(labels, hostname,
        Boolean.TRUE.equals(pod.getSpec().getHostNetwork()), Boolean.TRUE.equals(pod.getSpec().getHostIPC()), ports);
  }

  /** An event about the pod (or one of its containers): the recorder is safe to call from any thread. */
  private void event(String containerName, String type, String reason, String message) {
    PodEvents.record(node.recorder(), pod, containerName, type, reason, message);
  }

  private String name() {
    return pod.getMetadata().getName();
  }

  private String namespace() {
    return pod.getMetadata().getNamespace();
  }
}
