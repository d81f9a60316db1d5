package io.dirigent.node;

import io.dirigent.node.ContainerSpecs.ConfigError;
import io.dirigent.node.runtime.ContainerSecurity;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A container's {@link ContainerSecurity}, from its pod's and its own {@code securityContext} (the
 * container's settings win), as the kubelet works it out: the user and groups to run as (and
 * {@code runAsNonRoot} checked against the image's user), capabilities, read-only root, no new
 * privileges, the seccomp profile. What cannot be honoured here is a configuration error of the
 * container, never silently ignored.
 */
final class ContainerSecurityContexts {

  private ContainerSecurityContexts() {}

  /** @param imageUser the image's configured user ("" for root), as the runtime reports it */
  static ContainerSecurity of(Pod pod, Container container, String imageUser) {
    PodSecurityContext podContext = pod.getSpec().getSecurityContext() == null ? new PodSecurityContext() : pod.getSpec().getSecurityContext();
    SecurityContext own = container.getSecurityContext() == null ? new SecurityContext() : container.getSecurityContext();
    Long runAsUser = own.getRunAsUser() != null ? own.getRunAsUser() : podContext.getRunAsUser();
    Long runAsGroup = own.getRunAsGroup() != null ? own.getRunAsGroup() : podContext.getRunAsGroup();
    Boolean runAsNonRoot = own.getRunAsNonRoot() != null ? own.getRunAsNonRoot() : podContext.getRunAsNonRoot();
    String user = user(runAsUser, runAsGroup, imageUser);
    if (Boolean.TRUE.equals(runAsNonRoot)) {
      requireNonRoot(runAsUser, imageUser == null ? "" : imageUser, pod, container);
    }
    List<Long> groups = new ArrayList<>();
    if (podContext.getSupplementalGroups() != null) {
      groups.addAll(podContext.getSupplementalGroups());
    }
    if (podContext.getFsGroup() != null && !groups.contains(podContext.getFsGroup())) {
      groups.add(podContext.getFsGroup());
    }
    Capabilities capabilities = own.getCapabilities();
    SeccompProfile seccomp = own.getSeccompProfile() != null ? own.getSeccompProfile() : podContext.getSeccompProfile();
    String seccompType = seccomp == null || seccomp.getType() == null ? "RuntimeDefault" : seccomp.getType();
    if (!seccompType.equals("RuntimeDefault") && !seccompType.equals("Unconfined")) {
      throw new ConfigError("seccomp profile type %s is not supported on this node: use RuntimeDefault".formatted(seccompType));
    }
    try {
      return new ContainerSecurity(user, groups, Boolean.TRUE.equals(own.getPrivileged()), Boolean.TRUE.equals(own.getReadOnlyRootFilesystem()),
          capabilities == null ? List.of() : names(capabilities.getAdd()), capabilities == null ? List.of() : names(capabilities.getDrop()),
          Boolean.FALSE.equals(own.getAllowPrivilegeEscalation()), seccompType.equals("Unconfined"), Boolean.TRUE.equals(pod.getSpec().getHostPID()));
    } catch (IllegalArgumentException e) {
      throw new ConfigError("invalid securityContext of container %s: %s".formatted(container.getName(), e.getMessage()));
    }
  }

  /** The runtime's user: uid[:gid], or the image's user with the group; null for the image's own. */
  private static String user(Long uid, Long gid, String imageUser) {
    if (uid != null) {
      return gid == null ? Long.toString(uid) : uid + ":" + gid;
    }
    if (gid == null) {
      return null;
    }
    String base = imageUser == null || imageUser.isEmpty() ? "0" : imageUser.split(":", 2)[0];
    return base + ":" + gid;
  }

  /** The kubelet's runAsNonRoot check: a root uid, or an image user that cannot be proven non-root, is refused. */
  private static void requireNonRoot(Long runAsUser, String imageUser, Pod pod, Container container) {
    String where = "(pod: \"%s_%s(%s)\", container: %s)".formatted(pod.getMetadata().getName(), pod.getMetadata().getNamespace(),
        pod.getMetadata().getUid(), container.getName());
    if (runAsUser != null) {
      if (runAsUser == 0) {
        throw new ConfigError("container's runAsUser breaks non-root policy " + where);
      }
      return;
    }
    String uid = imageUser.split(":", 2)[0];
    if (uid.isEmpty() || uid.equals("0") || uid.equals("root")) {
      throw new ConfigError("container has runAsNonRoot and image will run as root " + where);
    }
    if (!uid.matches("\\d+")) {
      throw new ConfigError("container has runAsNonRoot and image has non-numeric user (%s), cannot verify user is non-root %s".formatted(uid, where));
    }
  }

  private static List<String> names(List<String> capabilities) {
    if (capabilities == null) {
      return List.of();
    }
    return capabilities.stream().map(name -> {
      String upper = name.toUpperCase(Locale.ROOT);
      return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }).toList();
  }
}
