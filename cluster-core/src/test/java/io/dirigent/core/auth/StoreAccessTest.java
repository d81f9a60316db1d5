package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.StoreAccess.Allowed;
import io.dirigent.core.auth.StoreAccess.Denied;
import io.dirigent.core.auth.StoreAccess.IfReferenced;
import io.dirigent.core.auth.StoreAccess.Verb;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StoreAccessTest {

  private static final CallerKey KEY = CallerKey.random();
  private static final Caller W1 = KEY.node("w1");
  private static final Caller MASTER = KEY.sign(Caller.CONTROL_PLANE, List.of(Caller.MASTERS));
  private static final Caller SOMEONE = KEY.sign("alice", List.of("developers"));
  private static final Caller SCHEDULER = KEY.sign(Caller.SCHEDULER, List.of());
  private static final Caller CONTROLLERS = KEY.sign(Caller.CONTROLLER_MANAGER, List.of());

  private static ObjectNode podOn(String node) {
    ObjectNode pod = KubeJson.MAPPER.createObjectNode();
    pod.putObject("spec").put("nodeName", node);
    return pod;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("the store's own members may do anything", MASTER, Verb.DELETE, "secrets", "default", "s", null, Allowed.class),
        arguments("a caller neither master nor node may do nothing", SOMEONE, Verb.GET, "pods", "default", "p", podOn("w1"), Denied.class),
        arguments("a node reads any pod", W1, Verb.GET, "pods", "default", "p", podOn("w2"), Allowed.class),
        arguments("a node lists pods", W1, Verb.LIST, "pods", null, "", null, Allowed.class),
        arguments("a node writes the status of a pod bound to it", W1, Verb.UPDATE_STATUS, "pods", "default", "p", podOn("w1"), Allowed.class),
        arguments("a node may not write the status of another node's pod", W1, Verb.UPDATE_STATUS, "pods", "default", "p", podOn("w2"), Denied.class),
        arguments("a node's write to a pod that does not exist goes on (to be NotFound)", W1, Verb.UPDATE_STATUS, "pods", "default", "p", null, Allowed.class),
        arguments("a node may not change its Node's spec (labels, taints)", W1, Verb.UPDATE, "nodes", null, "w1", null, Denied.class),
        arguments("a node writes its own Node's status", W1, Verb.UPDATE_STATUS, "nodes", null, "w1", null, Allowed.class),
        arguments("a node deletes a pod bound to it", W1, Verb.DELETE, "pods", "default", "p", podOn("w1"), Allowed.class),
        arguments("a node may not delete another node's pod", W1, Verb.DELETE, "pods", "default", "p", podOn("w2"), Denied.class),
        arguments("a node may not create pods", W1, Verb.CREATE, "pods", "default", "p", null, Denied.class),
        arguments("a node may not change a pod's spec, even its own", W1, Verb.UPDATE, "pods", "default", "p", podOn("w1"), Denied.class),
        arguments("a node registers its own Node", W1, Verb.CREATE, "nodes", null, "w1", null, Allowed.class),
        arguments("a node may not register another Node", W1, Verb.CREATE, "nodes", null, "w2", null, Denied.class),
        arguments("a node may not change another Node's status", W1, Verb.UPDATE_STATUS, "nodes", null, "w2", null, Denied.class),
        arguments("a node may not delete its Node", W1, Verb.DELETE, "nodes", null, "w1", null, Denied.class),
        arguments("a node renews its own Lease", W1, Verb.UPDATE, "leases.coordination.k8s.io", "kube-node-lease", "w1", null, Allowed.class),
        arguments("a node may not renew another node's Lease", W1, Verb.UPDATE, "leases.coordination.k8s.io", "kube-node-lease", "w2", null, Denied.class),
        arguments("a node's Lease lives only in kube-node-lease", W1, Verb.CREATE, "leases.coordination.k8s.io", "default", "w1", null, Denied.class),
        arguments("a node records events", W1, Verb.CREATE, "events", "default", "e", null, Allowed.class),
        arguments("a node lists services", W1, Verb.LIST, "services", null, "", null, Allowed.class),
        arguments("a node lists endpoints", W1, Verb.LIST, "endpoints", null, "", null, Allowed.class),
        arguments("a node reads a Secret only if its pods refer to it", W1, Verb.GET, "secrets", "default", "s", null, IfReferenced.class),
        arguments("a node reads a ConfigMap only if its pods refer to it", W1, Verb.GET, "configmaps", "default", "c", null, IfReferenced.class),
        arguments("a node may not list Secrets", W1, Verb.LIST, "secrets", null, "", null, Denied.class),
        arguments("a node may not write a Secret", W1, Verb.UPDATE, "secrets", "default", "s", null, Denied.class),
        arguments("a node has no access to RBAC objects", W1, Verb.GET, "clusterrolebindings", null, "b", null, Denied.class),
        arguments("a node may not write Deployments", W1, Verb.CREATE, "deployments", "default", "d", null, Denied.class),
        arguments("the scheduler lists pods", SCHEDULER, Verb.LIST, "pods", null, "", null, Allowed.class),
        arguments("the scheduler writes a pod's status", SCHEDULER, Verb.UPDATE_STATUS, "pods", "default", "p", podOn(""), Allowed.class),
        arguments("the scheduler deletes the pods it preempts", SCHEDULER, Verb.DELETE, "pods", "default", "p", podOn("w1"), Allowed.class),
        arguments("the scheduler may not create pods", SCHEDULER, Verb.CREATE, "pods", "default", "p", podOn(""), Denied.class),
        arguments("the scheduler may not write Nodes", SCHEDULER, Verb.UPDATE, "nodes", null, "w1", null, Denied.class),
        arguments("the scheduler renews its leader Lease", SCHEDULER, Verb.UPDATE, "leases.coordination.k8s.io", "kube-system", "kube-scheduler", null, Allowed.class),
        arguments("the scheduler takes its leader Lease", SCHEDULER, Verb.CREATE, "leases.coordination.k8s.io", "kube-system", "kube-scheduler", null, Allowed.class),
        arguments("the scheduler may not take the controller manager's Lease", SCHEDULER, Verb.UPDATE, "leases.coordination.k8s.io", "kube-system", "kube-controller-manager", null, Denied.class),
        arguments("the scheduler may not write a node's Lease", SCHEDULER, Verb.UPDATE, "leases.coordination.k8s.io", "kube-node-lease", "w1", null, Denied.class),
        arguments("the scheduler may not delete its Lease", SCHEDULER, Verb.DELETE, "leases.coordination.k8s.io", "kube-system", "kube-scheduler", null, Denied.class),
        arguments("the scheduler may not read Secrets", SCHEDULER, Verb.GET, "secrets", "default", "s", null, Denied.class),
        arguments("the controller manager deletes what it must", CONTROLLERS, Verb.DELETE, "secrets", "default", "s", null, Allowed.class),
        arguments("the controller manager writes ReplicaSets", CONTROLLERS, Verb.CREATE, "replicasets.apps", "default", "r", null, Allowed.class),
        arguments("the controller manager may not grant a role", CONTROLLERS, Verb.CREATE, "clusterrolebindings.rbac.authorization.k8s.io", null, "b", null, Denied.class),
        arguments("the controller manager may not change a binding", CONTROLLERS, Verb.UPDATE, "rolebindings.rbac.authorization.k8s.io", "default", "b", null, Denied.class),
        arguments("a node reads volumes", W1, Verb.GET, "persistentvolumes", null, "pvc-1", null, Allowed.class),
        arguments("a node may not delete a volume", W1, Verb.DELETE, "persistentvolumes", null, "pvc-1", null, Denied.class),
        arguments("a node reads a claim only if its pods refer to it", W1, Verb.GET, "persistentvolumeclaims", "default", "c", null, IfReferenced.class),
        arguments("the scheduler lists claims", SCHEDULER, Verb.LIST, "persistentvolumeclaims", null, "", null, Allowed.class),
        arguments("the scheduler lists storage classes", SCHEDULER, Verb.LIST, "storageclasses.storage.k8s.io", null, "", null, Allowed.class),
        arguments("the scheduler may not delete a claim", SCHEDULER, Verb.DELETE, "persistentvolumeclaims", "default", "c", null, Denied.class),
        arguments("a scheduler's name with extra groups is no scheduler", KEY.sign(Caller.SCHEDULER, List.of("x")), Verb.LIST, "pods", null, "", null, Denied.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String sentence, Caller caller, Verb verb, String resource, String namespace, String name, ObjectNode current,
      Class<? extends StoreAccess.Decision> expected) {
    assertThat(StoreAccess.decide(caller, verb, resource, namespace, name, current)).isInstanceOf(expected);
  }

  static Stream<Arguments> bindings() {
    return Stream.of(
        arguments("setting the node of an unbound pod is a binding", "", "w1", "busybox", true),
        arguments("moving a bound pod is no binding", "w2", "w1", "busybox", false),
        arguments("a binding that also changes the image is no binding", "", "w1", "evil", false),
        arguments("an update that binds to no node is no binding", "", "", "busybox", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bindings")
  void theSchedulerOnlyBinds(String sentence, String before, String after, String image, boolean allowed) {
    ObjectNode current = podOn(before);
    ((ObjectNode) current.path("spec")).putArray("containers").addObject().put("name", "app").put("image", "busybox");
    ObjectNode proposed = podOn(after);
    ((ObjectNode) proposed.path("spec")).putArray("containers").addObject().put("name", "app").put("image", image);

    assertThat(StoreAccess.decide(SCHEDULER, Verb.UPDATE, "pods", "default", "p", current, proposed))
        .isInstanceOf(allowed ? Allowed.class : Denied.class);
  }

  private static ObjectNode volume(String node, String... finalizers) {
    ObjectNode pv = KubeJson.MAPPER.createObjectNode();
    var list = pv.putObject("metadata").put("name", "pvc-1").putArray("finalizers");
    for (String finalizer : finalizers) {
      list.add(finalizer);
    }
    pv.putObject("spec").putObject("local").put("path", "/v/pvc-1");
    ((ObjectNode) pv.path("spec")).putObject("nodeAffinity").putObject("required").putArray("nodeSelectorTerms").addObject()
        .putArray("matchExpressions").addObject().put("key", "kubernetes.io/hostname").put("operator", "In").putArray("values").add(node);
    return pv;
  }

  private static ObjectNode claim(String selectedNode, String volumeName) {
    ObjectNode claim = KubeJson.MAPPER.createObjectNode();
    ObjectNode annotations = claim.putObject("metadata").put("name", "data").putObject("annotations");
    if (selectedNode != null) {
      annotations.put("volume.kubernetes.io/selected-node", selectedNode);
    }
    claim.putObject("spec").put("storageClassName", "local-path").put("volumeName", volumeName);
    return claim;
  }

  static Stream<Arguments> volumeWrites() {
    return Stream.of(
        arguments("a node lets go of a local volume on it by removing its finalizer", W1, "persistentvolumes",
            volume("w1", "dirigent.io/local-volume"), volume("w1"), true),
        arguments("a node may not let go of another node's volume", W1, "persistentvolumes",
            volume("w2", "dirigent.io/local-volume"), volume("w2"), false),
        arguments("a node may not move a volume of its own elsewhere", W1, "persistentvolumes",
            volume("w1", "dirigent.io/local-volume"), volume("w2", "dirigent.io/local-volume"), false),
        arguments("a node may not add a finalizer to its volume", W1, "persistentvolumes",
            volume("w1"), volume("w1", "x/y"), false),
        arguments("the scheduler records the node selected for a claim", SCHEDULER, "persistentvolumeclaims",
            claim(null, ""), claim("w1", ""), true),
        arguments("the scheduler may not bind a claim to a volume", SCHEDULER, "persistentvolumeclaims",
            claim("w1", ""), claim("w1", "pvc-1"), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("volumeWrites")
  void volumeWritesOfNodesAndTheScheduler(String sentence, Caller caller, String resource, ObjectNode current, ObjectNode proposed, boolean allowed) {
    assertThat(StoreAccess.decide(caller, Verb.UPDATE, resource, null, "x", current, proposed)).isInstanceOf(allowed ? Allowed.class : Denied.class);
  }

  @org.junit.jupiter.api.Test
  void aRefusalNamesTheUserTheVerbTheResourceAndWhy() {
    var denied = (Denied) StoreAccess.decide(W1, Verb.UPDATE_STATUS, "pods", "default", "p", podOn("w2"));

    assertThat(denied.message()).isEqualTo(
        "User \"system:node:w1\" cannot update resource \"pods/status\" in the namespace \"default\": node 'w1' can only change pods bound to it");
  }

  @org.junit.jupiter.api.Test
  void aReferencedReadNamesTheNodeToLookUp() {
    assertThat(StoreAccess.decide(W1, Verb.GET, "secrets", "default", "s", null)).isEqualTo(new IfReferenced("w1"));
  }
}
