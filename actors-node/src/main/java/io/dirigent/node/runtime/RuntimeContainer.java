package io.dirigent.node.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One container as the runtime reports it, with the labels the node agent put on it when it
 * created it (which pod, which container, which attempt).
 *
 * @param id the runtime's id
 * @param pod which pod and container it belongs to
 * @param image the image as the spec named it
 * @param imageId the runtime's id of that image
 * @param state created, running or exited
 * @param exitCode when exited
 * @param reason why it exited, as Kubernetes says it ({@code Completed}, {@code Error},
 *     {@code OOMKilled}); null while it runs
 * @param createdAt when the runtime created it
 * @param startedAt when it last started; null if never
 * @param finishedAt when it exited; null while it runs
 * @param ip the pod IP, for a sandbox; null otherwise
 */
public record RuntimeContainer(
    String id,
    ContainerLabels pod,
    String image,
    String imageId,
    State state,
    int exitCode,
    String reason,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String ip) {

  public enum State { CREATED, RUNNING, EXITED }

  public RuntimeContainer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(state, "state");
  }

  public boolean running() {
    return state == State.RUNNING;
  }

  public boolean isSandbox() {
    return pod.isSandbox();
  }

  /** The labels that identify a container Dirigent made; everything else is left alone. */
  public record ContainerLabels(String node, String podUid, String podName, String podNamespace, String container, int attempt, String hash) {

    public static final String NODE = "io.dirigent.node";
    public static final String POD_UID = "io.dirigent.pod.uid";
    public static final String POD_NAME = "io.dirigent.pod.name";
    public static final String POD_NAMESPACE = "io.dirigent.pod.namespace";
    public static final String CONTAINER = "io.dirigent.container.name";
    public static final String ATTEMPT = "io.dirigent.container.attempt";
    public static final String HASH = "io.dirigent.container.hash";
    /** The container name a pod's sandbox carries, as the kubelet names it. */
    public static final String SANDBOX = "POD";

    public boolean isSandbox() {
      return SANDBOX.equals(container);
    }

    public Map<String, String> toLabels() {
      return Map.of(NODE, node, POD_UID, podUid, POD_NAME, podName, POD_NAMESPACE, podNamespace,
          CONTAINER, container, ATTEMPT, Integer.toString(attempt), HASH, hash == null ? "" : hash);
    }

    /** The labels read back; null when the container is not one of Dirigent's. */
    public static ContainerLabels fromLabels(Map<String, String> labels) {
      if (labels == null || !labels.containsKey(POD_UID) || !labels.containsKey(NODE) || !labels.containsKey(CONTAINER)) {
        return null;
      }
      int attempt;
      try {
        attempt = Integer.parseInt(labels.getOrDefault(ATTEMPT, "0"));
      } catch (NumberFormatException e) {
        attempt = 0;
      }
      return new ContainerLabels(labels.get(NODE), labels.get(POD_UID), labels.getOrDefault(POD_NAME, ""),
          labels.getOrDefault(POD_NAMESPACE, ""), labels.get(CONTAINER), attempt, labels.getOrDefault(HASH, ""));
    }

    /** A Docker-friendly, unique name: {@code dirigent_<container>_<pod>_<namespace>_<uid>_<attempt>}. */
    public String containerName() {
      return "dirigent_%s_%s_%s_%s_%d".formatted(container, podName, podNamespace, podUid, attempt);
    }
  }
}
