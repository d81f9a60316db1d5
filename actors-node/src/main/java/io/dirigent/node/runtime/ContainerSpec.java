package io.dirigent.node.runtime;

import java.util.List;
import java.util.Map;

/**
 * One app or init container to create inside a pod's sandbox.
 *
 * @param labels which pod, container and attempt
 * @param sandboxId the sandbox whose namespaces it joins
 * @param image the image, which must be present on the node
 * @param command replaces the image's entrypoint when not empty
 * @param args replaces the image's command when not empty (or when {@code command} is set)
 * @param env {@code NAME=value} pairs, in order
 * @param workingDir null for the image's
 * @param mounts host paths bound into the container
 * @param memoryLimitBytes 0 for none
 * @param cpuLimitMillis 0 for none
 * @param cpuRequestMillis the CPU share it asks for; 0 for the runtime's default
 * @param annotations the pod's annotations (the simulated runtime reads its instructions there)
 * @param security the user, capabilities and other limits it runs with
 * @param stdio whether its stdin stays open for attaching, and whether it has a terminal
 */
public record ContainerSpec(
    RuntimeContainer.ContainerLabels labels,
    String sandboxId,
    String image,
    List<String> command,
    List<String> args,
    List<String> env,
    String workingDir,
    List<Mount> mounts,
    long memoryLimitBytes,
    long cpuLimitMillis,
    long cpuRequestMillis,
    Map<String, String> annotations,
    ContainerSecurity security,
    Stdio stdio) {

  public ContainerSpec {
    command = List.copyOf(command);
    args = List.copyOf(args);
    env = List.copyOf(env);
    mounts = List.copyOf(mounts);
    annotations = Map.copyOf(annotations);
    java.util.Objects.requireNonNull(security, "security");
    java.util.Objects.requireNonNull(stdio, "stdio");
  }

  /**
   * The container's own standard streams, as the pod's container asks: {@code stdin} keeps its
   * stdin open for {@code kubectl attach}; {@code stdinOnce} closes it when the first attach ends;
   * {@code tty} gives it a terminal.
   */
  public record Stdio(boolean stdin, boolean stdinOnce, boolean tty) {
    public static final Stdio NONE = new Stdio(false, false, false);
  }

  /** A host path bound into the container. */
  public record Mount(String hostPath, String containerPath, boolean readOnly) {}
}
