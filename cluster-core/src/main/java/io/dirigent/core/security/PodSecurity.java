package io.dirigent.core.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Kubernetes' Pod Security Standards, the checks of its Pod Security Admission: what a pod spec
 * may ask of its host at each level. {@code baseline} keeps pods off the host — no host
 * namespaces, no privileged containers, no added capabilities beyond Docker's defaults, no hostPath
 * volumes or host ports, no unconfined seccomp or AppArmor, no unsafe sysctls; {@code restricted}
 * also makes them drop privileges — non-root, no privilege escalation, every capability dropped,
 * a seccomp profile, only volumes that hold the pod's own data. Each violation is worded as
 * Kubernetes words it, e.g. {@code host namespaces (hostNetwork=true)}.
 */
public final class PodSecurity {

  /** The label that sets a namespace's enforced level, as in Kubernetes. */
  public static final String ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
  /** The label whose level earns warnings (for pods, and for workloads' templates). */
  public static final String WARN_LABEL = "pod-security.kubernetes.io/warn";
  /** The label whose level is audited (here: logged). */
  public static final String AUDIT_LABEL = "pod-security.kubernetes.io/audit";

  /** The levels, most permissive first. */
  public enum Level {
    PRIVILEGED, BASELINE, RESTRICTED;

    /** The level a label value names, or empty for anything else. */
    public static Optional<Level> of(String value) {
      for (Level level : values()) {
        if (level.label().equals(value)) {
          return Optional.of(level);
        }
      }
      return Optional.empty();
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
      "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
  private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
      "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
      "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
  private static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t");
  private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
      "persistentVolumeClaim", "projected", "secret");
  private static final String APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

  private PodSecurity() {}

  /** What in the pod ({@code metadata} and {@code spec}) breaks {@code level}; empty when it complies. */
  public static List<String> violations(Level level, JsonNode metadata, JsonNode spec) {
    List<String> found = new ArrayList<>();
    if (level == Level.PRIVILEGED) {
      return found;
    }
    List<JsonNode> containers = containers(spec);
    JsonNode podContext = spec.path("securityContext");
    hostNamespaces(spec, found);
    if (podContext.path("windowsOptions").path("hostProcess").asBoolean(false)) {
      found.add("hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)");
    }
    perContainer(containers, c -> c.path("securityContext").path("windowsOptions").path("hostProcess").asBoolean(false) ? Optional.of("") : Optional.empty(),
        (names, ignored) -> "hostProcess (%s must not set securityContext.windowsOptions.hostProcess=true)".formatted(names), found);
    perContainer(containers, c -> c.path("securityContext").path("privileged").asBoolean(false) ? Optional.of("") : Optional.empty(),
        (names, ignored) -> "privileged (%s must not set securityContext.privileged=true)".formatted(names), found);
    perContainer(containers, c -> values(c.path("securityContext").path("capabilities").path("add"), v -> !BASELINE_CAPABILITIES.contains(v)),
        (names, capabilities) -> "non-default capabilities (%s must not include %s in securityContext.capabilities.add)".formatted(names, capabilities), found);
    List<String> hostPaths = new ArrayList<>();
    spec.path("volumes").forEach(volume -> {
      if (volume.has("hostPath")) {
        hostPaths.add(quote(volume.path("name").asText()));
      }
    });
    if (!hostPaths.isEmpty()) {
      found.add("hostPath volumes (%s %s)".formatted(hostPaths.size() == 1 ? "volume" : "volumes", String.join(", ", hostPaths)));
    }
    hostPorts(containers, found);
    appArmor(metadata, containers, podContext, found);
    seLinux(podContext, containers, found);
    perContainer(containers, c -> {
      String procMount = c.path("securityContext").path("procMount").asText("Default");
      return procMount.equals("Default") ? Optional.empty() : Optional.of(quote(procMount));
    }, (names, mounts) -> "procMount (%s must not set securityContext.procMount to %s)".formatted(names, mounts), found);
    seccompUnconfined(podContext, containers, found);
    List<String> unsafe = new ArrayList<>();
    podContext.path("sysctls").forEach(sysctl -> {
      if (!SAFE_SYSCTLS.contains(sysctl.path("name").asText())) {
        unsafe.add(quote(sysctl.path("name").asText()));
      }
    });
    if (!unsafe.isEmpty()) {
      found.add("forbidden sysctls (%s)".formatted(String.join(", ", unsafe)));
    }
    if (level == Level.RESTRICTED) {
      restricted(spec, podContext, containers, found);
    }
    return found;
  }

  private static void restricted(JsonNode spec, JsonNode podContext, List<JsonNode> containers, List<String> found) {
    List<String> volumes = new ArrayList<>();
    spec.path("volumes").forEach(volume -> volume.fieldNames().forEachRemaining(field -> {
      if (!field.equals("name") && !RESTRICTED_VOLUMES.contains(field)) {
        volumes.add("%s uses restricted volume type %s".formatted(quote(volume.path("name").asText()), quote(field)));
      }
    }));
    if (!volumes.isEmpty()) {
      found.add("restricted volume types (%s %s)".formatted(volumes.size() == 1 ? "volume" : "volumes", String.join(", ", volumes)));
    }
    perContainer(containers, c -> c.path("securityContext").path("allowPrivilegeEscalation").isBoolean()
            && !c.path("securityContext").path("allowPrivilegeEscalation").asBoolean() ? Optional.empty() : Optional.of(""),
        (names, ignored) -> "allowPrivilegeEscalation != false (%s must set securityContext.allowPrivilegeEscalation=false)".formatted(names), found);
    perContainer(containers, c -> {
      JsonNode capabilities = c.path("securityContext").path("capabilities");
      boolean dropsAll = false;
      for (JsonNode dropped : capabilities.path("drop")) {
        dropsAll |= dropped.asText().equals("ALL");
      }
      return dropsAll ? Optional.empty() : Optional.of("");
    }, (names, ignored) -> "unrestricted capabilities (%s must set securityContext.capabilities.drop=[\"ALL\"])".formatted(names), found);
    perContainer(containers, c -> values(c.path("securityContext").path("capabilities").path("add"), v -> !v.equals("NET_BIND_SERVICE")),
        (names, capabilities) -> "unrestricted capabilities (%s must not include %s in securityContext.capabilities.add)".formatted(names, capabilities), found);
    boolean podNonRoot = podContext.path("runAsNonRoot").asBoolean(false);
    perContainer(containers, c -> {
      JsonNode own = c.path("securityContext").path("runAsNonRoot");
      return (own.isBoolean() ? own.asBoolean() : podNonRoot) ? Optional.empty() : Optional.of("");
    }, (names, ignored) -> "runAsNonRoot != true (pod or %s must set securityContext.runAsNonRoot=true)".formatted(names), found);
    if (podContext.path("runAsUser").isIntegralNumber() && podContext.path("runAsUser").asLong() == 0) {
      found.add("runAsUser=0 (pod must not set runAsUser=0)");
    }
    perContainer(containers, c -> c.path("securityContext").path("runAsUser").isIntegralNumber()
            && c.path("securityContext").path("runAsUser").asLong() == 0 ? Optional.of("") : Optional.empty(),
        (names, ignored) -> "runAsUser=0 (%s must not set runAsUser=0)".formatted(names), found);
    String podSeccomp = podContext.path("seccompProfile").path("type").asText("");
    perContainer(containers, c -> {
      String own = c.path("securityContext").path("seccompProfile").path("type").asText(podSeccomp);
      return own.equals("RuntimeDefault") || own.equals("Localhost") ? Optional.empty() : Optional.of("");
    }, (names, ignored) -> "seccompProfile (pod or %s must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
        .formatted(names), found);
  }

  private static void hostNamespaces(JsonNode spec, List<String> found) {
    List<String> used = new ArrayList<>();
    for (String field : List.of("hostNetwork", "hostPID", "hostIPC")) {
      if (spec.path(field).asBoolean(false)) {
        used.add(field + "=true");
      }
    }
    if (!used.isEmpty()) {
      found.add("host namespaces (%s)".formatted(String.join(", ", used)));
    }
  }

  private static void hostPorts(List<JsonNode> containers, List<String> found) {
    Map<String, Set<String>> byContainer = new LinkedHashMap<>();
    for (JsonNode container : containers) {
      for (JsonNode port : container.path("ports")) {
        if (port.path("hostPort").asInt(0) != 0) {
          byContainer.computeIfAbsent(container.path("name").asText(), name -> new LinkedHashSet<>()).add(port.path("hostPort").asText());
        }
      }
    }
    if (byContainer.isEmpty()) {
      return;
    }
    Set<String> ports = new LinkedHashSet<>();
    byContainer.values().forEach(ports::addAll);
    boolean one = byContainer.size() == 1;
    found.add("hostPort (%s %s %s %s)".formatted(one ? "container" : "containers", quoted(byContainer.keySet()),
        one ? "uses" : "use", (ports.size() == 1 ? "hostPort " : "hostPorts ") + String.join(", ", ports)));
  }

  private static void appArmor(JsonNode metadata, List<JsonNode> containers, JsonNode podContext, List<String> found) {
    List<String> unconfined = new ArrayList<>();
    metadata.path("annotations").fields().forEachRemaining(entry -> {
      if (entry.getKey().startsWith(APPARMOR_PREFIX) && !entry.getValue().asText().equals("runtime/default")
          && !entry.getValue().asText().startsWith("localhost/")) {
        unconfined.add(quote(entry.getKey() + "=" + entry.getValue().asText()));
      }
    });
    if (podContext.path("appArmorProfile").path("type").asText("").equals("Unconfined")) {
      unconfined.add("pod must not set securityContext.appArmorProfile.type to \"Unconfined\"");
    }
    for (JsonNode container : containers) {
      if (container.path("securityContext").path("appArmorProfile").path("type").asText("").equals("Unconfined")) {
        unconfined.add("container %s must not set securityContext.appArmorProfile.type to \"Unconfined\"".formatted(quote(container.path("name").asText())));
      }
    }
    if (!unconfined.isEmpty()) {
      found.add("forbidden AppArmor profiles (%s)".formatted(String.join(", ", unconfined)));
    }
  }

  private static void seLinux(JsonNode podContext, List<JsonNode> containers, List<String> found) {
    List<JsonNode> contexts = new ArrayList<>();
    contexts.add(podContext.path("seLinuxOptions"));
    containers.forEach(container -> contexts.add(container.path("securityContext").path("seLinuxOptions")));
    for (JsonNode options : contexts) {
      if (!SELINUX_TYPES.contains(options.path("type").asText("")) || !options.path("user").asText("").isEmpty()
          || !options.path("role").asText("").isEmpty()) {
        found.add("seLinuxOptions (the type may only be container_t, container_init_t or container_kvm_t; user and role must not be set)");
        return;
      }
    }
  }

  private static void seccompUnconfined(JsonNode podContext, List<JsonNode> containers, List<String> found) {
    List<String> where = new ArrayList<>();
    if (podContext.path("seccompProfile").path("type").asText("").equals("Unconfined")) {
      where.add("pod");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode container : containers) {
      if (container.path("securityContext").path("seccompProfile").path("type").asText("").equals("Unconfined")) {
        names.add(container.path("name").asText());
      }
    }
    if (!names.isEmpty()) {
      where.add((names.size() == 1 ? "container " : "containers ") + quoted(names));
    }
    if (!where.isEmpty()) {
      found.add("seccompProfile (%s must not set securityContext.seccompProfile.type to \"Unconfined\")".formatted(String.join(" and ", where)));
    }
  }

  /**
   * One violation naming every container for which {@code check} finds something: the containers
   * and, joined, what was found in them.
   */
  private static void perContainer(List<JsonNode> containers, Function<JsonNode, Optional<String>> check,
      java.util.function.BiFunction<String, String, String> message, List<String> found) {
    List<String> names = new ArrayList<>();
    Set<String> what = new LinkedHashSet<>();
    for (JsonNode container : containers) {
      check.apply(container).ifPresent(value -> {
        names.add(container.path("name").asText());
        if (!value.isEmpty()) {
          what.add(value);
        }
      });
    }
    if (!names.isEmpty()) {
      found.add(message.apply((names.size() == 1 ? "container " : "containers ") + quoted(names), String.join(", ", what)));
    }
  }

  /** The quoted values of a string array that {@code bad} picks, joined; empty when none. */
  private static Optional<String> values(JsonNode array, java.util.function.Predicate<String> bad) {
    List<String> picked = new ArrayList<>();
    array.forEach(value -> {
      if (bad.test(value.asText())) {
        picked.add(quote(value.asText()));
      }
    });
    return picked.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", picked));
  }

  private static List<JsonNode> containers(JsonNode spec) {
    List<JsonNode> all = new ArrayList<>();
    for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
      spec.path(field).forEach(all::add);
    }
    return all;
  }

  private static String quoted(java.util.Collection<String> names) {
    return String.join(", ", names.stream().map(PodSecurity::quote).toList());
  }

  private static String quote(String value) {
    return "\"" + value + "\"";
  }
}
