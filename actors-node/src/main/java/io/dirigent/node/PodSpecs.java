package io.dirigent.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reading a pod's spec: its containers, init containers first. */
final class PodSpecs {

  private PodSpecs() {}

  /** The pod's init containers, then its app containers. */
  static List<Container> allContainers(Pod pod) {
    return Stream.concat(
        pod.getSpec().getInitContainers() == null ? Stream.<Container>empty() : pod.getSpec().getInitContainers().stream(),
        pod.getSpec().getContainers().stream()).toList();
  }

  /** The pod's container (init or app) named {@code name}. */
  static Optional<Container> container(Pod pod, String name) {
    return allContainers(pod).stream().filter(c -> c.getName().equals(name)).findFirst();
  }

  /** Whether {@code name} is one of the pod's init containers. */
  static boolean isInit(Pod pod, String name) {
    return pod.getSpec().getInitContainers() != null && pod.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals(name));
  }
}
