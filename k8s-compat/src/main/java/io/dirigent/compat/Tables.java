package io.dirigent.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.crd.PrinterColumn;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The tables kubectl prints, as Kubernetes' server-side printers make them: per kind the columns
 * and each object's cells, wide columns (priority 1) included — the client hides them without
 * {@code -o wide}. The API server answers {@code Accept: ...;as=Table} with them, and the
 * {@code dirigent} CLI prints the same columns.
 */
public final class Tables {

  /** What the Accept header asked for. */
  public enum Version {
    V1("meta.k8s.io/v1", "application/json;as=Table;v=v1;g=meta.k8s.io"),
    V1BETA1("meta.k8s.io/v1beta1", "application/json;as=Table;v=v1beta1;g=meta.k8s.io");

    private final String apiVersion;
    private final String contentType;

    Version(String apiVersion, String contentType) {
      this.apiVersion = apiVersion;
      this.contentType = contentType;
    }

    public String contentType() {
      return contentType;
    }
  }

  /** How much of each object a row carries ({@code includeObject}). */
  public enum IncludeObject {
    NONE,
    METADATA,
    OBJECT;

    /** Kubernetes' query values; empty is the default, Metadata. */
    public static IncludeObject parse(String value) {
      return switch (value == null ? "" : value) {
        case "", "Metadata" -> METADATA;
        case "None" -> NONE;
        case "Object" -> OBJECT;
        default -> throw new IllegalArgumentException("includeObject must be None, Metadata or Object, not \"" + value + "\"");
      };
    }
  }

  /**
   * One column: {@code priority} 0 always shows, 1 only with {@code -o wide}. Built-in kinds'
   * columns have no description; a custom resource's carry the one its CRD gives.
   */
  public record Column(String name, String type, String format, int priority, String description) {
    public Column {
      description = description == null ? "" : description;
    }

    /** A column without a description, as every built-in kind's. */
    public Column(String name, String type, String format, int priority) {
      this(name, type, format, priority, "");
    }

    static Column of(String name) {
      return new Column(name, "string", "", 0);
    }

    static Column wide(String name) {
      return new Column(name, "string", "", 1);
    }

    static Column integer(String name) {
      return new Column(name, "integer", "", 0);
    }
  }

  private static final Column NAME = new Column("Name", "string", "name", 0);
  private static final Column AGE = Column.of("Age");
  private static final String NONE = "<none>";

  private Tables() {}

  /** The Table version an Accept header asks for, or empty for a plain object. */
  public static Optional<Version> negotiate(String accept) {
    if (accept == null) {
      return Optional.empty();
    }
    for (String range : accept.split(",")) {
      Map<String, String> parameters = MediaTypes.parameters(range);
      if ("Table".equals(parameters.get("as")) && "meta.k8s.io".equals(parameters.get("g"))) {
        if ("v1".equals(parameters.get("v"))) {
          return Optional.of(Version.V1);
        }
        if ("v1beta1".equals(parameters.get("v"))) {
          return Optional.of(Version.V1BETA1);
        }
      }
    }
    return Optional.empty();
  }

  /** The columns of {@code type}'s table. */
  public static List<Column> columns(ResourceType type) {
    return switch (type.resource()) {
      case "pods" -> List.of(NAME, Column.of("Ready"), Column.of("Status"), Column.of("Restarts"), AGE,
          Column.wide("IP"), Column.wide("Node"), Column.wide("Nominated Node"), Column.wide("Readiness Gates"));
      case "deployments.apps" -> List.of(NAME, Column.of("Ready"), Column.integer("Up-to-date"), Column.integer("Available"), AGE,
          Column.wide("Containers"), Column.wide("Images"), Column.wide("Selector"));
      case "replicasets.apps" -> List.of(NAME, Column.integer("Desired"), Column.integer("Current"), Column.integer("Ready"), AGE,
          Column.wide("Containers"), Column.wide("Images"), Column.wide("Selector"));
      case "replicationcontrollers" -> List.of(NAME, Column.integer("Desired"), Column.integer("Current"), Column.integer("Ready"), AGE,
          Column.wide("Containers"), Column.wide("Images"), Column.wide("Selector"));
      case "daemonsets.apps" -> List.of(NAME, Column.integer("Desired"), Column.integer("Current"), Column.integer("Ready"),
          Column.integer("Up-to-date"), Column.integer("Available"), Column.of("Node Selector"), AGE,
          Column.wide("Containers"), Column.wide("Images"), Column.wide("Selector"));
      case "jobs.batch" -> BatchTables.jobColumns(NAME, AGE);
      case "cronjobs.batch" -> BatchTables.cronJobColumns(NAME, AGE);
      case "services" -> List.of(NAME, Column.of("Type"), Column.of("Cluster-IP"), Column.of("External-IP"), Column.of("Port(s)"), AGE,
          Column.wide("Selector"));
      case "nodes" -> List.of(NAME, Column.of("Status"), Column.of("Roles"), AGE, Column.of("Version"),
          Column.wide("Internal-IP"), Column.wide("External-IP"), Column.wide("OS-Image"), Column.wide("Kernel-Version"),
          Column.wide("Container-Runtime"));
      case "namespaces" -> List.of(NAME, Column.of("Status"), AGE);
      case "configmaps" -> List.of(NAME, Column.integer("Data"), AGE);
      case "secrets" -> List.of(NAME, Column.of("Type"), Column.integer("Data"), AGE);
      case "endpoints" -> List.of(NAME, Column.of("Endpoints"), AGE);
      case "endpointslices.discovery.k8s.io" -> List.of(NAME, Column.of("AddressType"), Column.of("Ports"), Column.of("Endpoints"), AGE);
      case "leases.coordination.k8s.io" -> List.of(NAME, Column.of("Holder"), AGE);
      case "resourcequotas" -> List.of(NAME, AGE, Column.of("Request"), Column.of("Limit"));
      case "limitranges", "customresourcedefinitions.apiextensions.k8s.io" -> List.of(NAME, Column.of("Created At"));
      case "apiservices.apiregistration.k8s.io" -> List.of(NAME, Column.of("Service"), Column.of("Available"), AGE);
      case "priorityclasses.scheduling.k8s.io" -> List.of(NAME, Column.integer("Value"), Column.of("Global-Default"), AGE,
          Column.of("PreemptionPolicy"));
      case "poddisruptionbudgets.policy" -> List.of(NAME, Column.of("Min Available"), Column.of("Max Unavailable"),
          Column.integer("Allowed Disruptions"), AGE);
      case "events" -> List.of(Column.of("Last Seen"), Column.of("Type"), Column.of("Reason"), Column.of("Object"),
          Column.wide("Subobject"), Column.wide("Source"), Column.of("Message"), Column.wide("First Seen"),
          new Column("Count", "integer", "", 1), new Column("Name", "string", "name", 1));
      case "persistentvolumes", "persistentvolumeclaims", "storageclasses.storage.k8s.io" -> StorageTables.columns(type.resource());
      case "statefulsets.apps" -> List.of(NAME, Column.of("Ready"), AGE, Column.wide("Containers"), Column.wide("Images"));
      case "controllerrevisions.apps" -> List.of(NAME, Column.of("Controller"), Column.integer("Revision"), AGE);
      case "networkpolicies.networking.k8s.io", "ingresses.networking.k8s.io", "ingressclasses.networking.k8s.io", "runtimeclasses.node.k8s.io" ->
          NetworkingTables.columns(type.resource());
      case "horizontalpodautoscalers.autoscaling" -> AutoscalingTables.columns(AGE);
      default -> List.of(NAME, AGE);
    };
  }

  /** One object's cells, a String or a Long each, in {@link #columns} order. */
  public static List<Object> cells(ResourceType type, JsonNode object, Instant now) {
    JsonNode metadata = object.path("metadata");
    JsonNode spec = object.path("spec");
    JsonNode status = object.path("status");
    String name = metadata.path("name").asText();
    String age = age(metadata.path("creationTimestamp").asText(""), now);
    return switch (type.resource()) {
      case "pods" -> List.of(name, podReady(object), podStatus(object), restarts(status, now), age,
          text(status, "podIP"), text(spec, "nodeName"), text(status, "nominatedNodeName"), readinessGates(object));
      case "deployments.apps" -> List.of(name, status.path("readyReplicas").asLong() + "/" + spec.path("replicas").asLong(1),
          status.path("updatedReplicas").asLong(), status.path("availableReplicas").asLong(), age,
          containers(spec, "name"), containers(spec, "image"), selector(spec.path("selector")));
      case "replicasets.apps" -> List.of(name, spec.path("replicas").asLong(1), status.path("replicas").asLong(),
          status.path("readyReplicas").asLong(), age, containers(spec, "name"), containers(spec, "image"), selector(spec.path("selector")));
      case "replicationcontrollers" -> List.of(name, spec.path("replicas").asLong(1), status.path("replicas").asLong(),
          status.path("readyReplicas").asLong(), age, containers(spec, "name"), containers(spec, "image"), labels(spec.path("selector")));
      case "daemonsets.apps" -> List.of(name, status.path("desiredNumberScheduled").asLong(), status.path("currentNumberScheduled").asLong(),
          status.path("numberReady").asLong(), status.path("updatedNumberScheduled").asLong(), status.path("numberAvailable").asLong(),
          labels(spec.path("template").path("spec").path("nodeSelector")), age,
          containers(spec, "name"), containers(spec, "image"), selector(spec.path("selector")));
      case "jobs.batch" -> concat(List.of(name), BatchTables.jobCells(object, now),
          List.of(age, containers(spec, "name"), containers(spec, "image"), selector(spec.path("selector"))));
      case "cronjobs.batch" -> concat(List.of(name), BatchTables.cronJobCells(object, now),
          List.of(age, containers(spec.path("jobTemplate").path("spec"), "name"), containers(spec.path("jobTemplate").path("spec"), "image"),
              selector(spec.path("jobTemplate").path("spec").path("selector"))));
      case "services" -> List.of(name, spec.path("type").asText("ClusterIP"), clusterIp(spec), externalIp(spec, status), ports(spec), age,
          labels(spec.path("selector")));
      case "nodes" -> List.of(name, nodeStatus(object), roles(metadata), age, status.path("nodeInfo").path("kubeletVersion").asText(""),
          address(status, "InternalIP"), address(status, "ExternalIP"),
          status.path("nodeInfo").path("osImage").asText("<unknown>"), status.path("nodeInfo").path("kernelVersion").asText("<unknown>"),
          status.path("nodeInfo").path("containerRuntimeVersion").asText("<unknown>"));
      case "namespaces" -> List.of(name, status.path("phase").asText("Active"), age);
      case "configmaps" -> List.of(name, (long) (object.path("data").size() + object.path("binaryData").size()), age);
      case "secrets" -> List.of(name, object.path("type").asText("Opaque"), (long) object.path("data").size(), age);
      case "endpoints" -> List.of(name, endpoints(object), age);
      case "endpointslices.discovery.k8s.io" -> List.of(name, object.path("addressType").asText(""),
          firstThree(object.path("ports"), port -> port.has("port") ? port.path("port").asText() : "<unset>"),
          firstThree(object.path("endpoints"), endpoint -> endpoint.path("addresses").path(0).asText()), age);
      case "leases.coordination.k8s.io" -> List.of(name, spec.path("holderIdentity").asText(NONE), age);
      case "resourcequotas" -> List.of(name, age, quotaUsage(status, false), quotaUsage(status, true));
      case "limitranges", "customresourcedefinitions.apiextensions.k8s.io" -> List.of(name, metadata.path("creationTimestamp").asText(""));
      case "apiservices.apiregistration.k8s.io" -> List.of(name, apiServiceBackend(spec), apiServiceAvailable(status), age);
      case "priorityclasses.scheduling.k8s.io" -> List.of(name, object.path("value").asLong(), String.valueOf(object.path("globalDefault").asBoolean(false)),
          age, object.path("preemptionPolicy").asText("PreemptLowerPriority"));
      case "poddisruptionbudgets.policy" -> List.of(name, spec.path("minAvailable").asText("N/A"), spec.path("maxUnavailable").asText("N/A"),
          status.path("disruptionsAllowed").asLong(), age);
      case "events" -> eventCells(object, now);
      case "persistentvolumes", "persistentvolumeclaims", "storageclasses.storage.k8s.io" -> StorageTables.cells(type.resource(), object, age);
      case "statefulsets.apps" -> List.of(name, status.path("readyReplicas").asLong() + "/" + spec.path("replicas").asLong(1), age,
          containers(spec, "name"), containers(spec, "image"));
      case "controllerrevisions.apps" -> List.of(name, controller(metadata), object.path("revision").asLong(), age);
      case "networkpolicies.networking.k8s.io", "ingresses.networking.k8s.io", "ingressclasses.networking.k8s.io", "runtimeclasses.node.k8s.io" ->
          NetworkingTables.cells(type.resource(), object, age);
      case "horizontalpodautoscalers.autoscaling" -> AutoscalingTables.cells(object, age);
      default -> List.of(name, age);
    };
  }

  /** "Local", or the aggregated Service as NAMESPACE/NAME, as kubectl prints an APIService. */
  private static String apiServiceBackend(JsonNode spec) {
    JsonNode service = spec.path("service");
    return service.isObject() ? service.path("namespace").asText() + "/" + service.path("name").asText() : "Local";
  }

  /** The Available condition's status, with its reason when it is not True. */
  private static String apiServiceAvailable(JsonNode status) {
    for (JsonNode condition : status.path("conditions")) {
      if ("Available".equals(condition.path("type").asText())) {
        String value = condition.path("status").asText();
        return value.equals("True") ? value : value + " (" + condition.path("reason").asText() + ")";
      }
    }
    return "Unknown";
  }

  /** A quota's {@code used/hard} pairs, {@code limits.*} ones or the others, by name: {@code pods: 1/10, requests.cpu: 500m/1}. */
  private static String quotaUsage(JsonNode status, boolean limits) {
    java.util.TreeMap<String, String> pairs = new java.util.TreeMap<>();
    status.path("hard").fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("limits.") == limits) {
        pairs.put(e.getKey(), status.path("used").path(e.getKey()).asText("0") + "/" + e.getValue().asText());
      }
    });
    return pairs.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
  }

  /**
   * A Table of {@code objects}: every column, a row per object with its cells and (as
   * {@code include} says) its metadata or the whole object.
   */
  public static ObjectNode table(ResourceType type, Version version, List<? extends JsonNode> objects, IncludeObject include,
      Instant now, String resourceVersion, String continueToken, long remaining) {
    if (type.isCustom()) {
      // The printer columns of the version asked for, as its definition declares them.
      var columns = PrinterColumn.of(KubeJson.MAPPER.createObjectNode()
          .set("additionalPrinterColumns", type.custom().version(type.version()).orElseThrow().printerColumns()));
      return CustomTables.table(columns, version, objects, include, now, resourceVersion, continueToken, remaining);
    }
    return table(columns(type), object -> cells(type, object, now), version, objects, include, resourceVersion,
        continueToken, remaining);
  }

  /**
   * A Table of {@code objects} with the given columns, each row's cells made by {@code cells}: a
   * String, a Long, a Double, a Boolean or null each.
   */
  static ObjectNode table(List<Column> columns, Function<JsonNode, List<Object>> cells, Version version,
      List<? extends JsonNode> objects, IncludeObject include, String resourceVersion, String continueToken,
      long remaining) {
    ObjectNode table = JsonNodeFactory.instance.objectNode().put("kind", "Table").put("apiVersion", version.apiVersion);
    ObjectNode metadata = table.putObject("metadata");
    if (resourceVersion != null) {
      metadata.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null && !continueToken.isEmpty()) {
      metadata.put("continue", continueToken);
      if (remaining >= 0) {
        metadata.put("remainingItemCount", remaining);
      }
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column column : columns) {
      definitions.addObject().put("name", column.name()).put("type", column.type()).put("format", column.format())
          .put("description", column.description()).put("priority", column.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode rowCells = row.putArray("cells");
      for (Object cell : cells.apply(object)) {
        if (cell == null) {
          rowCells.addNull();
        } else if (cell instanceof Long number) {
          rowCells.add(number);
        } else if (cell instanceof Double number) {
          rowCells.add(number);
        } else if (cell instanceof Boolean bool) {
          rowCells.add(bool);
        } else {
          rowCells.add(String.valueOf(cell));
        }
      }
      switch (include) {
        case OBJECT -> row.set("object", object);
        case METADATA -> {
          ObjectNode partial = row.putObject("object").put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
          partial.set("metadata", object.path("metadata"));
        }
        case NONE -> { }
      }
    }
    return table;
  }

  // ---- pods ----

  private static String podReady(JsonNode pod) {
    int ready = 0;
    for (JsonNode container : pod.path("status").path("containerStatuses")) {
      ready += container.path("ready").asBoolean() ? 1 : 0;
    }
    return ready + "/" + pod.path("spec").path("containers").size();
  }

  /** "3" or, once a container restarted, "3 (2m ago)" from the newest finish of a last state. */
  private static String restarts(JsonNode status, Instant now) {
    long restarts = 0;
    Instant last = null;
    for (JsonNode container : status.path("containerStatuses")) {
      restarts += container.path("restartCount").asLong();
      String finished = container.path("lastState").path("terminated").path("finishedAt").asText("");
      if (!finished.isEmpty()) {
        try {
          Instant at = Instant.parse(finished);
          last = last == null || at.isAfter(last) ? at : last;
        } catch (DateTimeParseException e) {
          // An unreadable time is left out, as kubectl leaves out a zero one.
        }
      }
    }
    return restarts > 0 && last != null ? restarts + " (" + humanDuration(Duration.between(last, now)) + " ago)" : Long.toString(restarts);
  }

  private static String readinessGates(JsonNode pod) {
    JsonNode gates = pod.path("spec").path("readinessGates");
    if (gates.isEmpty()) {
      return NONE;
    }
    int passed = 0;
    for (JsonNode gate : gates) {
      for (JsonNode condition : pod.path("status").path("conditions")) {
        if (condition.path("type").asText().equals(gate.path("conditionType").asText()) && condition.path("status").asText().equals("True")) {
          passed++;
        }
      }
    }
    return passed + "/" + gates.size();
  }

  /**
   * The STATUS kubectl prints for a pod: the phase, unless a container says more — an init
   * container still running or failing ({@code Init:0/2}, {@code Init:Error}), or an app
   * container waiting ({@code CrashLoopBackOff}, {@code ErrImagePull}) or terminated
   * ({@code Completed}, {@code OOMKilled}); {@code Terminating} once deletion started.
   */
  public static String podStatus(JsonNode pod) {
    JsonNode status = pod.path("status");
    String reason = status.hasNonNull("reason") ? status.path("reason").asText() : status.path("phase").asText("Pending");
    JsonNode inits = status.path("initContainerStatuses");
    boolean initializing = false;
    for (int i = 0; i < inits.size(); i++) {
      JsonNode state = inits.get(i).path("state");
      if (state.path("terminated").path("exitCode").asInt(-1) == 0) {
        continue;
      }
      if (state.has("terminated")) {
        JsonNode terminated = state.path("terminated");
        reason = "Init:" + (terminated.hasNonNull("reason") ? terminated.path("reason").asText() : "ExitCode:" + terminated.path("exitCode").asInt());
      } else if (state.path("waiting").hasNonNull("reason") && !state.path("waiting").path("reason").asText().equals("PodInitializing")) {
        reason = "Init:" + state.path("waiting").path("reason").asText();
      } else {
        reason = "Init:" + i + "/" + pod.path("spec").path("initContainers").size();
      }
      initializing = true;
      break;
    }
    if (!initializing) {
      JsonNode containers = status.path("containerStatuses");
      for (int i = containers.size() - 1; i >= 0; i--) {
        JsonNode state = containers.get(i).path("state");
        if (state.path("waiting").hasNonNull("reason")) {
          reason = state.path("waiting").path("reason").asText();
        } else if (state.has("terminated")) {
          JsonNode terminated = state.path("terminated");
          reason = terminated.hasNonNull("reason") ? terminated.path("reason").asText() : "ExitCode:" + terminated.path("exitCode").asInt();
        }
      }
    }
    return pod.path("metadata").hasNonNull("deletionTimestamp") ? "Terminating" : reason;
  }

  // ---- workloads, services, nodes ----

  @SafeVarargs
  private static List<Object> concat(List<Object>... parts) {
    List<Object> all = new ArrayList<>();
    for (List<Object> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  private static String containers(JsonNode spec, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode container : spec.path("template").path("spec").path("containers")) {
      values.add(container.path(field).asText());
    }
    return values.isEmpty() ? NONE : String.join(",", values);
  }

  /** A LabelSelector as kubectl prints it: {@code app=web,tier in (a,b)}. */
  static String selector(JsonNode selector) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(stringMap(selector.path("matchLabels"))).forEach((key, value) -> parts.add(key + "=" + value));
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      parts.add(switch (expression.path("operator").asText()) {
        case "In" -> key + " in (" + String.join(",", values) + ")";
        case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
        case "Exists" -> key;
        case "DoesNotExist" -> "!" + key;
        default -> key + " " + expression.path("operator").asText();
      });
    }
    return parts.isEmpty() ? NONE : String.join(",", parts);
  }

  /** A plain label map as kubectl prints it: {@code a=b,c=d}, sorted. */
  /**
   * kubectl's cell for a list of slice ports or endpoints: the first three, then "+ N more...";
   * {@code <unset>} for none.
   */
  private static String firstThree(JsonNode items, java.util.function.Function<JsonNode, String> cell) {
    if (items.size() == 0) {
      return "<unset>";
    }
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < Math.min(3, items.size()); i++) {
      shown.add(cell.apply(items.get(i)));
    }
    return String.join(",", shown) + (items.size() > 3 ? " + " + (items.size() - 3) + " more..." : "");
  }

  private static String labels(JsonNode map) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(stringMap(map)).forEach((key, value) -> parts.add(key + "=" + value));
    return parts.isEmpty() ? NONE : String.join(",", parts);
  }

  private static String clusterIp(JsonNode spec) {
    String ip = spec.path("clusterIP").asText("");
    return ip.isEmpty() ? NONE : ip;
  }

  private static String externalIp(JsonNode spec, JsonNode status) {
    String type = spec.path("type").asText("ClusterIP");
    List<String> ips = new ArrayList<>();
    spec.path("externalIPs").forEach(ip -> ips.add(ip.asText()));
    switch (type) {
      case "ExternalName" -> {
        return spec.path("externalName").asText(NONE);
      }
      case "LoadBalancer" -> {
        status.path("loadBalancer").path("ingress").forEach(ingress -> ips.add(ingress.hasNonNull("ip") ? ingress.path("ip").asText() : ingress.path("hostname").asText()));
        return ips.isEmpty() ? "<pending>" : String.join(",", ips);
      }
      default -> {
        return ips.isEmpty() ? NONE : String.join(",", ips);
      }
    }
  }

  private static String ports(JsonNode spec) {
    List<String> ports = new ArrayList<>();
    for (JsonNode port : spec.path("ports")) {
      String nodePort = port.path("nodePort").asInt(0) > 0 ? ":" + port.path("nodePort").asInt() : "";
      ports.add(port.path("port").asInt() + nodePort + "/" + port.path("protocol").asText("TCP"));
    }
    return ports.isEmpty() ? NONE : String.join(",", ports);
  }

  private static String nodeStatus(JsonNode node) {
    String ready = "Unknown";
    for (JsonNode condition : node.path("status").path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        ready = switch (condition.path("status").asText()) {
          case "True" -> "Ready";
          case "False" -> "NotReady";
          default -> "Unknown";
        };
      }
    }
    return node.path("spec").path("unschedulable").asBoolean() ? ready + ",SchedulingDisabled" : ready;
  }

  /** Roles from {@code node-role.kubernetes.io/ROLE} and {@code kubernetes.io/role} labels. */
  private static String roles(JsonNode metadata) {
    List<String> roles = new ArrayList<>();
    stringMap(metadata.path("labels")).forEach((key, value) -> {
      if (key.startsWith("node-role.kubernetes.io/") && key.length() > "node-role.kubernetes.io/".length()) {
        roles.add(key.substring("node-role.kubernetes.io/".length()));
      } else if (key.equals("kubernetes.io/role") && !value.isEmpty()) {
        roles.add(value);
      }
    });
    roles.sort(null);
    return roles.isEmpty() ? NONE : String.join(",", roles);
  }

  private static String address(JsonNode status, String type) {
    for (JsonNode address : status.path("addresses")) {
      if (address.path("type").asText().equals(type)) {
        return address.path("address").asText();
      }
    }
    return NONE;
  }

  /** Up to three endpoints as {@code ip:port}, then "+ N more...", as kubectl prints them. */
  private static String endpoints(JsonNode endpoints) {
    List<String> all = new ArrayList<>();
    for (JsonNode subset : endpoints.path("subsets")) {
      for (JsonNode address : subset.path("addresses")) {
        if (subset.path("ports").isEmpty()) {
          all.add(address.path("ip").asText());
        }
        for (JsonNode port : subset.path("ports")) {
          all.add(address.path("ip").asText() + ":" + port.path("port").asInt());
        }
      }
    }
    if (all.isEmpty()) {
      return NONE;
    }
    String shown = String.join(",", all.subList(0, Math.min(3, all.size())));
    return all.size() > 3 ? shown + " + " + (all.size() - 3) + " more..." : shown;
  }

  private static List<Object> eventCells(JsonNode event, Instant now) {
    String first = age(event.path("firstTimestamp").asText(event.path("eventTime").asText("")), now);
    String last = event.path("lastTimestamp").asText("").isEmpty() ? first : age(event.path("lastTimestamp").asText(), now);
    long count = Math.max(1, event.path("count").asLong(1));
    JsonNode involved = event.path("involvedObject");
    String kind = involved.path("kind").asText("").toLowerCase();
    String target = involved.path("name").asText("").isEmpty() ? kind : kind + "/" + involved.path("name").asText();
    JsonNode source = event.path("source");
    String from = source.path("component").asText(event.path("reportingComponent").asText(""));
    if (source.hasNonNull("host")) {
      from += ", " + source.path("host").asText();
    }
    return List.of(last, event.path("type").asText(""), event.path("reason").asText(""), target,
        involved.path("fieldPath").asText(""), from, event.path("message").asText("").trim(), first, count,
        event.path("metadata").path("name").asText());
  }

  // ---- shared ----

  /** {@code statefulset.apps/web}: the controller owner, as kubectl prints it; {@code <none>} without one. */
  private static String controller(JsonNode metadata) {
    for (JsonNode owner : metadata.path("ownerReferences")) {
      if (owner.path("controller").asBoolean()) {
        String apiVersion = owner.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? "." + apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return owner.path("kind").asText().toLowerCase() + group + "/" + owner.path("name").asText();
      }
    }
    return NONE;
  }

  private static String text(JsonNode node, String field) {
    String value = node.path(field).asText("");
    return value.isEmpty() ? NONE : value;
  }

  private static Map<String, String> stringMap(JsonNode map) {
    Map<String, String> values = new TreeMap<>();
    map.fields().forEachRemaining(entry -> values.put(entry.getKey(), entry.getValue().asText()));
    return values;
  }

  /** kubectl's age of a timestamp: 45s, 3m20s, 17m, 5h12m, 9h, 3d4h, 12d, 2y30d. */
  public static String age(String timestamp, Instant now) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    try {
      return humanDuration(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }

  /** Kubernetes' {@code duration.HumanDuration}. */
  static String humanDuration(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    long days = hours / 24;
    if (hours < 24 * 8) {
      return hours % 24 == 0 ? days + "d" : days + "d" + hours % 24 + "h";
    }
    if (hours < 24 * 365 * 2) {
      return days + "d";
    }
    long years = days / 365;
    if (hours < 24 * 365 * 8) {
      return days % 365 == 0 ? years + "y" : years + "y" + days % 365 + "d";
    }
    return years + "y";
  }
}
