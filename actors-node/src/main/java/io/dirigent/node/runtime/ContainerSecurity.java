package io.dirigent.node.runtime;

import java.util.List;

/**
 * What a container may do on its host, from its pod's and its own {@code securityContext} — what
 * the runtime applies when it creates the container. Admission decided which pods may ask for
 * what; this only carries it out.
 *
 * @param user {@code uid}, {@code uid:gid} or {@code name:gid} to run as; null for the image's user
 * @param groups supplemental groups (supplementalGroups and fsGroup)
 * @param privileged every device and capability (only admitted in privileged namespaces)
 * @param readOnlyRootFilesystem the image's file system mounted read-only
 * @param capAdd capabilities added to the runtime's default set, without the {@code CAP_} prefix
 * @param capDrop capabilities dropped ({@code ALL} for every one)
 * @param noNewPrivileges allowPrivilegeEscalation: false — setuid binaries cannot gain privileges
 * @param seccompUnconfined no seccomp filter; otherwise the runtime's default profile applies
 * @param hostPid the host's process namespace
 */
public record ContainerSecurity(String user, List<Long> groups, boolean privileged, boolean readOnlyRootFilesystem,
    List<String> capAdd, List<String> capDrop, boolean noNewPrivileges, boolean seccompUnconfined, boolean hostPid) {

  /** The runtime's defaults: the image's user, default capabilities and seccomp profile. */
  public static final ContainerSecurity DEFAULT = new ContainerSecurity(null, List.of(), false, false, List.of(), List.of(), false, false, false);

  public ContainerSecurity {
    groups = List.copyOf(groups);
    capAdd = List.copyOf(capAdd);
    capDrop = List.copyOf(capDrop);
    for (String capability : capAdd) {
      requireCapability(capability);
    }
    for (String capability : capDrop) {
      requireCapability(capability);
    }
  }

  private static void requireCapability(String capability) {
    if (!capability.matches("[A-Z][A-Z0-9_]{0,31}")) {
      throw new IllegalArgumentException("not a capability: " + capability);
    }
  }
}
