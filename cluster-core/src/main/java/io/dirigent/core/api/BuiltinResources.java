package io.dirigent.core.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.NameRules.NameRule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;
import java.util.Map;

/** The resources Dirigent serves, with Kubernetes' names, scopes and subresources. */
final class BuiltinResources {

  /** Controllers fill in the status of these kinds; what a client sends on create is dropped. */
  private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

  private BuiltinResources() {}

  /** Field selectors that read the JSON path of the same name, plus any {@code renamed} ones. */
  private static Map<String, String> fields(Map<String, String> renamed, String... paths) {
    var fields = new java.util.HashMap<String, String>(renamed);
    for (String path : paths) {
      fields.put(path, path);
    }
    return fields;
  }

  private static ObjectNode status(String phase) {
    return JsonNodeFactory.instance.objectNode().put("phase", phase);
  }

  static ResourceRegistry.Builder register(ResourceRegistry.Builder registry) {
    return registry
        .register(core(Namespace.class, "namespaces", List.of("ns"), false, true, NameRule.DNS1123_LABEL, Map.of("status.phase", "status.phase"), status("Active"), false))
        .register(core(Node.class, "nodes", List.of("no"), false, true, NameRule.DNS1123_SUBDOMAIN, Map.of("spec.unschedulable", "spec.unschedulable"), null, false))
        .register(core(Pod.class, "pods", List.of("po"), true, true, NameRule.DNS1123_SUBDOMAIN, fields(Map.of(),
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "status.phase", "status.podIP", "status.nominatedNodeName"), status("Pending"), true))
        .register(core(Service.class, "services", List.of("svc"), true, true, NameRule.DNS1123_LABEL, Map.of(), EMPTY, false))
        .register(core(Endpoints.class, "endpoints", List.of("ep"), true, false, NameRule.DNS1123_SUBDOMAIN, Map.of(), null, false))
        .register(core(Event.class, "events", List.of("ev"), true, false, NameRule.DNS1123_SUBDOMAIN, fields(Map.of("source", "source.component"),
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "type"), null, false))
        .register(core(ConfigMap.class, "configmaps", List.of("cm"), true, false, NameRule.DNS1123_SUBDOMAIN, Map.of(), null, false))
        .register(core(Secret.class, "secrets", List.of(), true, false, NameRule.DNS1123_SUBDOMAIN, Map.of("type", "type"), null, false))
        .register(new ResourceType("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", List.of(), true, false, false,
            NameRule.DNS1123_SUBDOMAIN, EndpointSlice.class, Map.of(), null, false))
        .register(new ResourceType("coordination.k8s.io", "v1", "Lease", "leases", "lease", List.of(), true, false, false, NameRule.DNS1123_SUBDOMAIN, Lease.class, Map.of(), null, false))
        .register(new ResourceType("", "v1", "ReplicationController", "replicationcontrollers", "replicationcontroller", List.of("rc"), true, true, true,
            NameRule.DNS1123_SUBDOMAIN, ReplicationController.class, Map.of(), EMPTY, false))
        .register(apps(ReplicaSet.class, "replicasets", List.of("rs"), true))
        .register(apps(Deployment.class, "deployments", List.of("deploy"), true))
        .register(apps(DaemonSet.class, "daemonsets", List.of("ds"), false))
        .register(core(ResourceQuota.class, "resourcequotas", List.of("quota"), true, true, NameRule.DNS1123_SUBDOMAIN, Map.of(), EMPTY, false))
        .register(core(LimitRange.class, "limitranges", List.of("limits"), true, false, NameRule.DNS1123_SUBDOMAIN, Map.of(), null, false))
        .register(batch(Job.class, "jobs", List.of()))
        .register(batch(CronJob.class, "cronjobs", List.of("cj")))
        .register(apps(StatefulSet.class, "statefulsets", List.of("sts"), true))
        .register(new ResourceType("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", List.of(), true, false, false,
            NameRule.DNS1123_SUBDOMAIN, ControllerRevision.class, Map.of(), null, false))
        .register(core(ServiceAccount.class, "serviceaccounts", List.of("sa"), true, false, NameRule.DNS1123_SUBDOMAIN, Map.of(), null, false))
        .register(rbac(ClusterRole.class, "clusterroles", false))
        .register(rbac(Role.class, "roles", true))
        .register(rbac(ClusterRoleBinding.class, "clusterrolebindings", false))
        .register(rbac(RoleBinding.class, "rolebindings", true))
        // Volumes: their phase is the PersistentVolume controller's to write.
        .register(core(PersistentVolume.class, "persistentvolumes", List.of("pv"), false, true, NameRule.DNS1123_SUBDOMAIN, Map.of(), status("Pending"), false))
        .register(core(PersistentVolumeClaim.class, "persistentvolumeclaims", List.of("pvc"), true, true, NameRule.DNS1123_SUBDOMAIN, Map.of(), status("Pending"), false))
        .register(new ResourceType("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", List.of("sc"), false, false, false,
            NameRule.DNS1123_SUBDOMAIN, StorageClass.class, Map.of(), null, false))
        // Its status (accepted names, conditions) is decided by the store's admission at every write, never the client's.
        .register(new ResourceType("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "customresourcedefinition",
            List.of("crd", "crds"), false, false, false, NameRule.DNS1123_SUBDOMAIN, CustomResourceDefinition.class, Map.of(), null, false))
        .register(new ResourceType("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", List.of("pdb"), true,
            true, false, NameRule.DNS1123_SUBDOMAIN, PodDisruptionBudget.class, Map.of(), disruptionBudgetStatus(), false))
        .register(new ResourceType("apiregistration.k8s.io", "v1", "APIService", "apiservices", "apiservice", List.of(), false,
            true, false, NameRule.PATH_SEGMENT, io.dirigent.core.api.model.APIService.class, Map.of(), null, false))
        .register(new ResourceType("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", List.of("pc"), false,
            false, false, NameRule.DNS1123_SUBDOMAIN, PriorityClass.class, Map.of(), null, false))
        // Stored and validated only: no network plugin enforces policies, no ingress controller routes, no autoscaler scales yet.
        .register(networking(NetworkPolicy.class, "networkpolicies", List.of("netpol"), true, false, null))
        .register(networking(Ingress.class, "ingresses", List.of("ing"), true, true, ingressStatus()))
        .register(networking(IngressClass.class, "ingressclasses", List.of(), false, false, null))
        .register(new ResourceType("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler",
            List.of("hpa"), true, true, false, NameRule.DNS1123_SUBDOMAIN, HorizontalPodAutoscaler.class, Map.of(), EMPTY, false))
        .register(new ResourceType("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", "runtimeclass", List.of(), false, false, false,
            NameRule.DNS1123_SUBDOMAIN, RuntimeClass.class, Map.of(), null, false));
  }

  /** A new Ingress's status, as Kubernetes answers it before any controller wrote one: no load balancer yet. */
  private static ObjectNode ingressStatus() {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.putObject("loadBalancer");
    return status;
  }

  /** networking.k8s.io/v1: NetworkPolicy, Ingress and IngressClass. */
  private static ResourceType networking(Class<? extends HasMetadata> type, String plural, List<String> shortNames, boolean namespaced,
      boolean hasStatus, ObjectNode initialStatus) {
    String kind = type.getSimpleName();
    return new ResourceType("networking.k8s.io", "v1", kind, plural, kind.toLowerCase(), shortNames, namespaced, hasStatus, false,
        NameRule.DNS1123_SUBDOMAIN, type, Map.of(), initialStatus, false);
  }

  /** A new budget's status: the counters its OpenAPI schema requires, at 0 until the disruption controller counts. */
  private static ObjectNode disruptionBudgetStatus() {
    return JsonNodeFactory.instance.objectNode().put("disruptionsAllowed", 0).put("currentHealthy", 0).put("desiredHealthy", 0)
        .put("expectedPods", 0);
  }

  private static ResourceType core(
      Class<? extends HasMetadata> type,
      String plural,
      List<String> shortNames,
      boolean namespaced,
      boolean hasStatus,
      NameRule nameRule,
      Map<String, String> fields,
      ObjectNode initialStatus,
      boolean gracefulDeletion) {
    String kind = type.getSimpleName();
    return new ResourceType("", "v1", kind, plural, kind.toLowerCase(), shortNames, namespaced, hasStatus, false, nameRule, type, fields, initialStatus, gracefulDeletion);
  }

  /** RBAC kinds: names are path segments (system roles have a colon in theirs); no status. */
  private static ResourceType rbac(Class<? extends HasMetadata> type, String plural, boolean namespaced) {
    String kind = type.getSimpleName();
    return new ResourceType("rbac.authorization.k8s.io", "v1", kind, plural, kind.toLowerCase(), List.of(), namespaced, false, false,
        NameRule.PATH_SEGMENT, type, Map.of(), null, false);
  }

  private static ResourceType apps(
      Class<? extends HasMetadata> type, String plural, List<String> shortNames, boolean hasScale) {
    String kind = type.getSimpleName();
    return new ResourceType("apps", "v1", kind, plural, kind.toLowerCase(), shortNames, true, true, hasScale, NameRule.DNS1123_SUBDOMAIN, type, Map.of(), EMPTY, false);
  }

  /** batch/v1: Job and CronJob, with status their controllers write. */
  private static ResourceType batch(Class<? extends HasMetadata> type, String plural, List<String> shortNames) {
    String kind = type.getSimpleName();
    return new ResourceType("batch", "v1", kind, plural, kind.toLowerCase(), shortNames, true, true, false, NameRule.DNS1123_SUBDOMAIN, type, Map.of(), EMPTY, false);
  }
}
