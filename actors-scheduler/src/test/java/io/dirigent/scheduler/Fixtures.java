package io.dirigent.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** Pods and nodes for scheduler tests, built up by small changes. */
public final class Fixtures {

  private Fixtures() {}

  /** A Ready node with {@code cpus} cpus, {@code memoryGi} GiB and room for 110 pods. */
  public static NodeBuilder node(String name, int cpus, int memoryGi) {
    return new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name).endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus()
        .addToAllocatable("cpu", new Quantity(Integer.toString(cpus)))
        .addToAllocatable("memory", new Quantity(memoryGi + "Gi"))
        .addToAllocatable("pods", new Quantity("110"))
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .endStatus();
  }

  public static NodeInfo info(NodeBuilder node) {
    return new NodeInfo(node.build());
  }

  public static NodeInfo info(Node node) {
    return new NodeInfo(node);
  }

  /** A pod asking for {@code cpu} (e.g. "500m") and {@code memory} (e.g. "1Gi"); null asks nothing. */
  public static PodBuilder pod(String name, String cpu, String memory) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("dirigent/busybox:1").withNewResources().endResources().endContainer().endSpec();
    Map<String, Quantity> requests = new java.util.HashMap<>();
    if (cpu != null) {
      requests.put("cpu", new Quantity(cpu));
    }
    if (memory != null) {
      requests.put("memory", new Quantity(memory));
    }
    pod.editSpec().editFirstContainer().editResources().withRequests(requests).endResources().endContainer().endSpec();
    return pod;
  }

  public static PodInfo info(PodBuilder pod) {
    return PodInfo.of(pod.build());
  }
}
