package io.dirigent.scheduler.plugins;

import static io.dirigent.scheduler.Fixtures.info;
import static io.dirigent.scheduler.Fixtures.node;
import static io.dirigent.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FilterPluginsTest {

  private static NodeInfo busy(NodeInfo node, String cpu, String memory) {
    node.add(info(pod("existing-" + cpu + memory, cpu, memory)));
    return node;
  }

  private static PodInfo affinity(String operator, String... values) {
    return info(pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().withMatchExpressions(new NodeSelectorRequirement("zone", operator, List.of(values))).endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec());
  }

  private static PodInfo tolerating(Toleration toleration) {
    return info(pod("p", null, null).editSpec().withTolerations(toleration).endSpec());
  }

  private static NodeInfo tainted(String key, String value, String effect) {
    return info(node("n", 4, 8).editSpec().withTaints(new Taint(effect, key, null, value)).endSpec());
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("a pod that asks for nothing fits an empty node", new NodeResourcesFit(), info(pod("p", null, null)), info(node("n", 1, 1)), List.of()),
        arguments("a pod fits in what is left of cpu and memory", new NodeResourcesFit(), info(pod("p", "2", "4Gi")), busy(info(node("n", 4, 8)), "2", "4Gi"), List.of()),
        arguments("one millicore more than is left does not fit", new NodeResourcesFit(), info(pod("p", "2001m", null)), busy(info(node("n", 4, 8)), "2", null), List.of("Insufficient cpu")),
        arguments("every missing resource is a reason of its own", new NodeResourcesFit(), info(pod("p", "8", "16Gi")), info(node("n", 4, 8)), List.of("Insufficient cpu", "Insufficient memory")),
        arguments("a node with its pod count reached takes no more", new NodeResourcesFit(), info(pod("p", null, null)),
            info(node("n", 4, 8).editStatus().addToAllocatable("pods", new io.fabric8.kubernetes.api.model.Quantity("0")).endStatus()), List.of("Too many pods")),
        arguments("a cordoned node takes no pod", new NodeUnschedulable(), info(pod("p", null, null)), info(node("n", 1, 1).editSpec().withUnschedulable(true).endSpec()), List.of("node(s) were unschedulable")),
        arguments("a cordoned node takes a pod tolerating it", new NodeUnschedulable(),
            tolerating(new Toleration("NoSchedule", "node.kubernetes.io/unschedulable", "Exists", null, null)), info(node("n", 1, 1).editSpec().withUnschedulable(true).endSpec()), List.of()),
        arguments("a node that is not Ready takes no pod", new NodeReady(), info(pod("p", null, null)),
            info(node("n", 1, 1).editStatus().editFirstCondition().withStatus("Unknown").endCondition().endStatus()), List.of("node(s) were not ready")),
        arguments("a node selector matching the node's labels fits", new NodeAffinity(), info(pod("p", null, null).editSpec().withNodeSelector(Map.of("disk", "ssd")).endSpec()),
            info(node("n", 1, 1).editMetadata().addToLabels("disk", "ssd").endMetadata()), List.of()),
        arguments("a node selector the node lacks does not fit", new NodeAffinity(), info(pod("p", null, null).editSpec().withNodeSelector(Map.of("disk", "ssd")).endSpec()),
            info(node("n", 1, 1)), List.of("node(s) didn't match Pod's node affinity/selector")),
        arguments("affinity In matches one of the values", new NodeAffinity(), affinity("In", "a", "b"), info(node("n", 1, 1).editMetadata().addToLabels("zone", "b").endMetadata()), List.of()),
        arguments("affinity NotIn excludes the values", new NodeAffinity(), affinity("NotIn", "a"), info(node("n", 1, 1).editMetadata().addToLabels("zone", "a").endMetadata()),
            List.of("node(s) didn't match Pod's node affinity/selector")),
        arguments("affinity Exists needs the label", new NodeAffinity(), affinity("Exists"), info(node("n", 1, 1)), List.of("node(s) didn't match Pod's node affinity/selector")),
        arguments("affinity DoesNotExist needs the label absent", new NodeAffinity(), affinity("DoesNotExist"), info(node("n", 1, 1)), List.of()),
        arguments("affinity Gt compares numbers", new NodeAffinity(), affinity("Gt", "2"), info(node("n", 1, 1).editMetadata().addToLabels("zone", "3").endMetadata()), List.of()),
        arguments("affinity Lt compares numbers", new NodeAffinity(), affinity("Lt", "2"), info(node("n", 1, 1).editMetadata().addToLabels("zone", "3").endMetadata()),
            List.of("node(s) didn't match Pod's node affinity/selector")),
        arguments("an untolerated NoSchedule taint keeps the pod off", new TaintToleration(), info(pod("p", null, null)), tainted("gpu", "yes", "NoSchedule"),
            List.of("node(s) had untolerated taint {gpu: yes}")),
        arguments("an untolerated NoExecute taint keeps the pod off", new TaintToleration(), info(pod("p", null, null)), tainted("node.kubernetes.io/unreachable", null, "NoExecute"),
            List.of("node(s) had untolerated taint {node.kubernetes.io/unreachable: }")),
        arguments("a toleration with the same key and value lets the pod on", new TaintToleration(), tolerating(new Toleration("NoSchedule", "gpu", "Equal", null, "yes")),
            tainted("gpu", "yes", "NoSchedule"), List.of()),
        arguments("a toleration with another value does not", new TaintToleration(), tolerating(new Toleration("NoSchedule", "gpu", "Equal", null, "no")),
            tainted("gpu", "yes", "NoSchedule"), List.of("node(s) had untolerated taint {gpu: yes}")),
        arguments("an empty key with Exists tolerates everything", new TaintToleration(), tolerating(new Toleration(null, null, "Exists", null, null)),
            tainted("anything", "x", "NoExecute"), List.of()),
        arguments("a PreferNoSchedule taint does not filter", new TaintToleration(), info(pod("p", null, null)), tainted("slow", "yes", "PreferNoSchedule"), List.of()),
        arguments("a free host port fits", new NodePorts(), info(pod("p", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(80).withHostPort(8080).endPort().endContainer().endSpec()),
            info(node("n", 1, 1)), List.of()),
        arguments("a host port another pod holds does not fit", new NodePorts(),
            info(pod("p", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(80).withHostPort(8080).endPort().endContainer().endSpec()),
            withPod(info(node("n", 1, 1)), info(pod("q", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(81).withHostPort(8080).endPort().endContainer().endSpec())),
            List.of("node(s) didn't have free ports for the requested pod ports")),
        arguments("the same port on another protocol fits", new NodePorts(),
            info(pod("p", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(80).withHostPort(8080).withProtocol("UDP").endPort().endContainer().endSpec()),
            withPod(info(node("n", 1, 1)), info(pod("q", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(81).withHostPort(8080).endPort().endContainer().endSpec())),
            List.of()));
  }

  private static NodeInfo withPod(NodeInfo node, PodInfo pod) {
    node.add(pod);
    return node;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filters(String sentence, FilterPlugin plugin, PodInfo pod, NodeInfo node, List<String> reasons) {
    Status status = plugin.filter(pod, node);
    assertThat(status.reasons()).isEqualTo(reasons);
    assertThat(status.isSuccess()).isEqualTo(reasons.isEmpty());
  }

  static Stream<Arguments> codes() {
    NodeInfo full = busy(info(node("n", 1, 1)), "1", null);
    return Stream.of(
        arguments("a node without room could take the pod once pods leave it", new NodeResourcesFit(), info(pod("p", "1", null)), full,
            Status.Code.UNSCHEDULABLE),
        arguments("a node whose host port is held could take the pod once its holder leaves", new NodePorts(),
            info(pod("p", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(80).withHostPort(8080).endPort().endContainer().endSpec()),
            withPod(info(node("n", 1, 1)), info(pod("q", null, null).editSpec().editFirstContainer().addNewPort().withContainerPort(81).withHostPort(8080).endPort().endContainer().endSpec())),
            Status.Code.UNSCHEDULABLE),
        arguments("a node lacking the selected label never could", new NodeAffinity(),
            info(pod("p", null, null).editSpec().withNodeSelector(Map.of("disk", "ssd")).endSpec()), info(node("n", 1, 1)), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
        arguments("an untolerated taint never could", new TaintToleration(), info(pod("p", null, null)), tainted("gpu", "yes", "NoSchedule"),
            Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
        arguments("a cordoned node never could", new NodeUnschedulable(), info(pod("p", null, null)),
            info(node("n", 1, 1).editSpec().withUnschedulable(true).endSpec()), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE),
        arguments("another node than the one named never could", new NodeName(), info(pod("p", null, null).editSpec().withNodeName("m").endSpec()),
            info(node("n", 1, 1)), Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codes")
  void aFailureSaysWhetherRemovingPodsCouldHelp(String sentence, FilterPlugin plugin, PodInfo pod, NodeInfo node, Status.Code code) {
    assertThat(plugin.filter(pod, node).code()).isEqualTo(code);
  }
}
