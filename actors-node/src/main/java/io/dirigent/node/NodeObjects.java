package io.dirigent.node;

import io.dirigent.core.api.ConditionStatus;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.NodeConditions;
import io.dirigent.core.api.Storage;
import io.dirigent.core.cluster.NodeLeases;
import io.dirigent.node.runtime.RuntimeInfo;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Node a node agent registers and reports, and the Lease it renews. */
final class NodeObjects {

  /** Kubernetes' Lease namespace for node heartbeats. */
  static final String LEASE_NAMESPACE = "kube-node-lease";
  /** The Kubernetes release whose kubelet this agent stands in for (status.nodeInfo.kubeletVersion). */
  static final String KUBELET_VERSION = "v1.31.0-dirigent";

  private NodeObjects() {}

  /** What the node has to offer. */
  record Capacity(int cpus, long memoryBytes, int pods) {
    static Capacity of(HostResources host, int maxPods) {
      return new Capacity(host.cpus(), host.memoryBytes(), maxPods);
    }

    /** What a simulated node claims, as kwok's nodes do. */
    static Capacity simulated(int maxPods) {
      return new Capacity(32, 256L << 30, maxPods);
    }

    Map<String, Quantity> quantities() {
      Map<String, Quantity> values = new LinkedHashMap<>();
      values.put("cpu", new Quantity(Integer.toString(cpus)));
      values.put("memory", new Quantity((memoryBytes / 1024) + "Ki"));
      values.put("pods", new Quantity(Integer.toString(pods)));
      return values;
    }
  }

  /** What the node says about its health now. */
  record Health(boolean memoryPressure, boolean diskPressure, boolean pidPressure) {
    static final Health GOOD = new Health(false, false, false);

    static Health of(HostResources host) {
      return new Health(host.memoryPressure(), host.diskPressure(), host.pidPressure());
    }
  }

  static Node node(NodeSettings settings, RuntimeInfo runtime, Capacity capacity, Health health, boolean simulated, NodeStatus previous, Instant now) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("kubernetes.io/hostname", settings.name());
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", runtime.architecture());
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("beta.kubernetes.io/arch", runtime.architecture());
    if (simulated) {
      labels.put("dirigent.io/simulated", "true");
    }
    // Where the local-path provisioner puts this node's volumes.
    Map<String, String> annotations = settings.volumesDir() == null ? Map.of() : Map.of(Storage.VOLUMES_DIR, settings.volumesDir().toString());
    return new NodeBuilder()
        .withNewMetadata().withName(settings.name()).withLabels(labels).withAnnotations(annotations).endMetadata()
        .withNewSpec().endSpec()
        .withStatus(status(settings, runtime, capacity, health, previous, now))
        .build();
  }

  static NodeStatus status(NodeSettings settings, RuntimeInfo runtime, Capacity capacity, Health health, NodeStatus previous, Instant now) {
    String stamp = KubeJson.timestamp(now);
    List<NodeCondition> conditions = new ArrayList<>();
    conditions.add(condition(previous, NodeConditions.MEMORY_PRESSURE, health.memoryPressure(),
        health.memoryPressure() ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
        health.memoryPressure() ? "kubelet has insufficient memory available" : "kubelet has sufficient memory available", stamp));
    conditions.add(condition(previous, NodeConditions.DISK_PRESSURE, health.diskPressure(),
        health.diskPressure() ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
        health.diskPressure() ? "kubelet has disk pressure" : "kubelet has no disk pressure", stamp));
    conditions.add(condition(previous, NodeConditions.PID_PRESSURE, health.pidPressure(),
        health.pidPressure() ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
        health.pidPressure() ? "kubelet has insufficient PID available" : "kubelet has sufficient PID available", stamp));
    conditions.add(condition(previous, NodeConditions.READY, true, NodeConditions.KUBELET_READY, "kubelet is posting ready status", stamp));
    return new NodeStatusBuilder()
        .withCapacity(capacity.quantities())
        .withAllocatable(capacity.quantities())
        .withConditions(conditions)
        .withAddresses(new NodeAddress(settings.address(), "InternalIP"), new NodeAddress(settings.name(), "Hostname"))
        .withNewDaemonEndpoints().withNewKubeletEndpoint(10250).endDaemonEndpoints()
        .withNewNodeInfo()
        .withArchitecture(runtime.architecture())
        .withOperatingSystem("linux")
        .withOsImage(runtime.osImage())
        .withKernelVersion(runtime.kernelVersion())
        .withContainerRuntimeVersion(runtime.runtimeVersion())
        .withKubeletVersion(KUBELET_VERSION)
        .withKubeProxyVersion(KUBELET_VERSION)
        .withMachineID(settings.name())
        .withSystemUUID(settings.name())
        .withBootID("")
        .endNodeInfo()
        .build();
  }

  private static NodeCondition condition(NodeStatus previous, String type, boolean value, String reason, String message, String now) {
    String status = ConditionStatus.of(value);
    String since = now;
    if (previous != null && previous.getConditions() != null) {
      for (NodeCondition known : previous.getConditions()) {
        if (known.getType().equals(type) && status.equals(known.getStatus()) && known.getLastTransitionTime() != null) {
          since = known.getLastTransitionTime();
        }
      }
    }
    return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastHeartbeatTime(now).withLastTransitionTime(since).build();
  }

  /**
   * The node's Lease, renewed at {@code now} by the agent on {@code member} (its cluster address;
   * null: not in a cluster); {@code stopping} when the agent says it stops on purpose.
   */
  static Lease lease(NodeSettings settings, String member, Instant now, boolean stopping) {
    Map<String, String> annotations = new LinkedHashMap<>();
    if (member != null) {
      annotations.put(NodeLeases.MEMBER, member);
    }
    if (stopping) {
      annotations.put(NodeLeases.STOPPED, KubeJson.timestamp(now));
    }
    return new LeaseBuilder()
        .withNewMetadata().withName(settings.name()).withNamespace(LEASE_NAMESPACE).withAnnotations(annotations).endMetadata()
        .withNewSpec()
        .withHolderIdentity(settings.name())
        .withLeaseDurationSeconds((int) settings.leaseDuration().toSeconds())
        .withRenewTime(now.atZone(ZoneOffset.UTC))
        .endSpec()
        .build();
  }
}
