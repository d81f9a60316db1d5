package io.dirigent.node;

import io.dirigent.node.runtime.RuntimeContainer;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A pod's containers as the runtime has them at one moment: every instance of every container
 * (each restart is a new instance with the next attempt number), and its sandboxes.
 */
record PodObservation(List<RuntimeContainer> containers) {

  private static final Comparator<RuntimeContainer> NEWEST_FIRST = Comparator
      .comparingInt((RuntimeContainer c) -> c.pod().attempt())
      .thenComparing(c -> c.createdAt() == null ? java.time.Instant.MIN : c.createdAt())
      .reversed();

  PodObservation {
    containers = List.copyOf(containers);
  }

  /** The instances of container {@code name}, newest first. */
  List<RuntimeContainer> instances(String name) {
    return containers.stream().filter(c -> c.pod().container().equals(name)).sorted(NEWEST_FIRST).toList();
  }

  Optional<RuntimeContainer> latest(String name) {
    return instances(name).stream().findFirst();
  }

  /** The instance before the latest: what {@code logs --previous} and {@code lastState} show. */
  Optional<RuntimeContainer> previous(String name) {
    return instances(name).stream().skip(1).findFirst();
  }

  Optional<RuntimeContainer> sandbox() {
    return latest(ContainerLabels.SANDBOX);
  }

  /** The pod's IP: its running sandbox's. */
  Optional<String> podIp() {
    return sandbox().filter(RuntimeContainer::running).map(RuntimeContainer::ip);
  }

  List<RuntimeContainer> running() {
    return containers.stream().filter(RuntimeContainer::running).toList();
  }
}
