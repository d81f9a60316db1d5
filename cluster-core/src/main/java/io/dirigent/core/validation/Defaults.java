package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceType;

/**
 * Kubernetes' defaulting: the values a field takes when the client leaves it out, set before the
 * object is validated and stored, as the Kubernetes API server sets them on every write — so that
 * what {@code get -o yaml} and {@code describe} show, and what controllers read, is the same as on
 * Kubernetes (a Deployment's strategy is RollingUpdate 25%/25% unless it says otherwise).
 */
public final class Defaults {

  private Defaults() {}

  /** Fills in the defaults of {@code type} in {@code object}, in place. */
  public static void apply(ResourceType type, ObjectNode object) {
    switch (type.resource()) {
      case "pods" -> podSpec(child(object, "spec"));
      case "deployments.apps" -> {
        ObjectNode spec = child(object, "spec");
        putIfAbsent(spec, "replicas", 1);
        ObjectNode strategy = child(spec, "strategy");
        if (!strategy.has("type")) {
          strategy.put("type", "RollingUpdate");
        }
        if (strategy.path("type").asText().equals("RollingUpdate")) {
          ObjectNode rolling = child(strategy, "rollingUpdate");
          putIfAbsent(rolling, "maxUnavailable", "25%");
          putIfAbsent(rolling, "maxSurge", "25%");
        }
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        putIfAbsent(spec, "progressDeadlineSeconds", 600);
        podSpec(child(child(spec, "template"), "spec"));
      }
      case "replicasets.apps" -> {
        ObjectNode spec = child(object, "spec");
        putIfAbsent(spec, "replicas", 1);
        podSpec(child(child(spec, "template"), "spec"));
      }
      case "daemonsets.apps" -> {
        ObjectNode spec = child(object, "spec");
        ObjectNode strategy = child(spec, "updateStrategy");
        if (!strategy.has("type")) {
          strategy.put("type", "RollingUpdate");
        }
        if (strategy.path("type").asText().equals("RollingUpdate")) {
          ObjectNode rolling = child(strategy, "rollingUpdate");
          putIfAbsent(rolling, "maxUnavailable", 1);
          putIfAbsent(rolling, "maxSurge", 0);
        }
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        podSpec(child(child(spec, "template"), "spec"));
      }
      case "replicationcontrollers" -> {
        ObjectNode spec = child(object, "spec");
        ReplicationControllerRules.defaults(object, spec);
        // A missing template stays missing: validation says it is required.
        if (spec.get("template") instanceof ObjectNode template) {
          podSpec(child(template, "spec"));
        }
      }
      case "services" -> {
        ObjectNode spec = child(object, "spec");
        putIfAbsent(spec, "type", "ClusterIP");
        putIfAbsent(spec, "sessionAffinity", "None");
        for (JsonNode port : spec.path("ports")) {
          if (port instanceof ObjectNode p) {
            putIfAbsent(p, "protocol", "TCP");
            if (!p.has("targetPort") && p.has("port")) {
              p.set("targetPort", p.get("port"));
            }
          }
        }
      }
      case "jobs.batch" -> BatchDefaults.job(object);
      case "cronjobs.batch" -> BatchDefaults.cronJob(object);
      case "secrets" -> {
        putIfAbsent(object, "type", "Opaque");
        foldStringData(object);
      }
      case "priorityclasses.scheduling.k8s.io" -> putIfAbsent(object, "preemptionPolicy", "PreemptLowerPriority");
      case "limitranges" -> {
        // As SetDefaults_LimitRangeItem: a Container item's default limit is its max, its default request the default limit, else its min.
        for (JsonNode item : object.path("spec").path("limits")) {
          if (item instanceof ObjectNode limit && "Container".equals(limit.path("type").asText())) {
            fillFrom(limit, "default", "max");
            fillFrom(limit, "defaultRequest", "default");
            fillFrom(limit, "defaultRequest", "min");
          }
        }
      }
      case "persistentvolumes", "persistentvolumeclaims", "storageclasses.storage.k8s.io" -> StorageDefaults.apply(type, object);
      case "networkpolicies.networking.k8s.io" -> NetworkingDefaults.networkPolicy(object);
      case "ingressclasses.networking.k8s.io" -> NetworkingDefaults.ingressClass(object);
      case "horizontalpodautoscalers.autoscaling" -> AutoscalingDefaults.horizontalPodAutoscaler(object);
      case "statefulsets.apps" -> {
        ObjectNode spec = child(object, "spec");
        putIfAbsent(spec, "replicas", 1);
        putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode strategy = child(spec, "updateStrategy");
        if (!strategy.has("type")) {
          strategy.put("type", "RollingUpdate");
        }
        if (strategy.path("type").asText().equals("RollingUpdate")) {
          putIfAbsent(child(strategy, "rollingUpdate"), "partition", 0);
        }
        putIfAbsent(spec, "revisionHistoryLimit", 10);
        ObjectNode retention = child(spec, "persistentVolumeClaimRetentionPolicy");
        putIfAbsent(retention, "whenDeleted", "Retain");
        putIfAbsent(retention, "whenScaled", "Retain");
        for (JsonNode claim : spec.path("volumeClaimTemplates")) {
          if (claim instanceof ObjectNode c) {
            putIfAbsent(child(c, "spec"), "volumeMode", "Filesystem");
          }
        }
        podSpec(child(child(spec, "template"), "spec"));
      }
      default -> { }
    }
  }

  /**
   * A Secret's {@code stringData} is written into {@code data}, base64-encoded, and is not kept,
   * as Kubernetes converts it: the stored Secret has its values in one place, and a value sent as
   * text does not stay readable as text (in the object, its history or a list).
   */
  private static void foldStringData(ObjectNode secret) {
    JsonNode stringData = secret.path("stringData");
    if (!stringData.isObject()) {
      secret.remove("stringData");
      return;
    }
    if (!stringData.isEmpty()) {
      ObjectNode data = child(secret, "data");
      stringData.fields().forEachRemaining(entry -> data.put(entry.getKey(),
          java.util.Base64.getEncoder().encodeToString(entry.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }
    secret.remove("stringData");
  }

  static void podSpec(ObjectNode spec) {
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    putIfAbsent(spec, "enableServiceLinks", true);
    if (!spec.has("securityContext")) {
      spec.putObject("securityContext");
    }
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode container : spec.path(list)) {
        if (container instanceof ObjectNode c) {
          container(c);
        }
      }
    }
    for (JsonNode volume : spec.path("volumes")) {
      for (String source : new String[] {"configMap", "secret"}) {
        if (volume.path(source) instanceof ObjectNode v) {
          putIfAbsent(v, "defaultMode", 420);
        }
      }
    }
  }

  private static void container(ObjectNode container) {
    putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
    putIfAbsent(container, "terminationMessagePolicy", "File");
    if (!container.has("imagePullPolicy")) {
      container.put("imagePullPolicy", latest(container.path("image").asText("")) ? "Always" : "IfNotPresent");
    }
    if (!container.has("resources")) {
      container.putObject("resources");
    }
    for (JsonNode port : container.path("ports")) {
      if (port instanceof ObjectNode p) {
        putIfAbsent(p, "protocol", "TCP");
      }
    }
    for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (container.path(probe) instanceof ObjectNode p) {
        putIfAbsent(p, "timeoutSeconds", 1);
        putIfAbsent(p, "periodSeconds", 10);
        putIfAbsent(p, "successThreshold", 1);
        putIfAbsent(p, "failureThreshold", 3);
        if (p.path("httpGet") instanceof ObjectNode get) {
          putIfAbsent(get, "scheme", "HTTP");
          putIfAbsent(get, "path", "/");
        }
      }
    }
  }

  /** Kubernetes pulls always for an image without a tag or tagged {@code latest} (and no digest). */
  private static boolean latest(String image) {
    if (image.contains("@")) {
      return false;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon <= slash || image.substring(colon + 1).equals("latest");
  }

  /** Every entry of {@code item.from} that {@code item.to} lacks, copied there. */
  private static void fillFrom(ObjectNode item, String to, String from) {
    JsonNode source = item.path(from);
    if (!source.isObject() || source.isEmpty()) {
      return;
    }
    ObjectNode target = child(item, to);
    source.fields().forEachRemaining(e -> {
      if (!target.has(e.getKey())) {
        target.set(e.getKey(), e.getValue().deepCopy());
      }
    });
  }

  static ObjectNode child(ObjectNode parent, String field) {
    JsonNode child = parent.get(field);
    if (child instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(field);
  }

  static void putIfAbsent(ObjectNode node, String field, Object value) {
    if (node.hasNonNull(field)) {
      return;
    }
    if (value instanceof Integer number) {
      node.put(field, number);
    } else if (value instanceof Boolean flag) {
      node.put(field, flag);
    } else {
      node.put(field, (String) value);
    }
  }
}
