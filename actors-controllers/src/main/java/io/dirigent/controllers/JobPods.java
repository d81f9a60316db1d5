package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodPhase;
import io.dirigent.core.batch.BatchLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.stream.Collectors;

/** A Job's pods: made from its template (with their completion index when Indexed), and read back. */
final class JobPods {

  private JobPods() {}

  /**
   * A new pod of {@code job}: its template's, owned by it, named after it. {@code index} is the
   * completion index of an Indexed Job's pod (null otherwise): in its name, hostname, annotation,
   * label and {@code JOB_COMPLETION_INDEX}, as Kubernetes sets them.
   */
  static Pod podFor(Job job, Integer index) {
    PodTemplateSpec template = KubeJson.toTyped(KubeJson.MAPPER.valueToTree(job.getSpec().getTemplate()), PodTemplateSpec.class);
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    String name = job.getMetadata().getName();
    meta.setName(null);
    meta.setNamespace(job.getMetadata().getNamespace());
    meta.setOwnerReferences(List.of(Owners.reference(job)));
    if (index == null) {
      meta.setGenerateName(name + "-");
      return new PodBuilder().withMetadata(meta).withSpec(template.getSpec()).build();
    }
    meta.setGenerateName(name + "-" + index + "-");
    Map<String, String> annotations = meta.getAnnotations() == null ? new HashMap<>() : new HashMap<>(meta.getAnnotations());
    annotations.put(BatchLabels.COMPLETION_INDEX, String.valueOf(index));
    meta.setAnnotations(annotations);
    Map<String, String> labels = meta.getLabels() == null ? new HashMap<>() : new HashMap<>(meta.getLabels());
    labels.put(BatchLabels.COMPLETION_INDEX, String.valueOf(index));
    meta.setLabels(labels);
    var spec = template.getSpec();
    if (spec.getHostname() == null || spec.getHostname().isEmpty()) {
      spec.setHostname(name + "-" + index);
    }
    EnvVar env = new EnvVarBuilder().withName(BatchLabels.COMPLETION_INDEX_ENV)
        .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.annotations['" + BatchLabels.COMPLETION_INDEX + "']").endFieldRef().endValueFrom()
        .build();
    for (List<Container> containers : List.of(listOrEmpty(spec.getInitContainers()), listOrEmpty(spec.getContainers()))) {
      for (Container container : containers) {
        List<EnvVar> envs = container.getEnv() == null ? new ArrayList<>() : new ArrayList<>(container.getEnv());
        if (envs.stream().noneMatch(e -> BatchLabels.COMPLETION_INDEX_ENV.equals(e.getName()))) {
          envs.add(env);
        }
        container.setEnv(envs);
      }
    }
    return new PodBuilder().withMetadata(meta).withSpec(spec).build();
  }

  private static <T> List<T> listOrEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** An Indexed Job's pod's completion index; empty when it has none, or one out of range. */
  static OptionalInt index(Pod pod, int completions) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(BatchLabels.COMPLETION_INDEX);
    if (value == null) {
      return OptionalInt.empty();
    }
    try {
      int index = Integer.parseInt(value);
      return index >= 0 && index < completions ? OptionalInt.of(index) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  static boolean succeeded(Pod pod) {
    return PodPhase.of(pod) == PodPhase.SUCCEEDED;
  }

  static boolean failed(Pod pod) {
    return PodPhase.of(pod) == PodPhase.FAILED;
  }

  /** Running or waiting to: neither finished nor being deleted. */
  static boolean active(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && !PodPhase.of(pod).terminal();
  }

  /** Being deleted and not finished yet: Kubernetes waits for these before it calls a Job over. */
  static boolean terminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null && !PodPhase.of(pod).terminal();
  }

  /** When a finished pod finished: its last container's end, else its creation (a pod that never ran). */
  static Instant finishedAt(Pod pod) {
    Instant latest = null;
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
        if (status.getState() != null && status.getState().getTerminated() != null && status.getState().getTerminated().getFinishedAt() != null) {
          Instant at = Instant.parse(status.getState().getTerminated().getFinishedAt());
          latest = latest == null || at.isAfter(latest) ? at : latest;
        }
      }
    }
    if (latest != null) {
      return latest;
    }
    String created = pod.getMetadata().getCreationTimestamp();
    return created == null ? Instant.EPOCH : Instant.parse(created);
  }

  /** The containers' restarts, which count toward backoffLimit when pods restart OnFailure. */
  static int restarts(Pod pod) {
    if (pod.getStatus() == null) {
      return 0;
    }
    int restarts = 0;
    for (List<ContainerStatus> statuses : List.of(listOrEmpty(pod.getStatus().getInitContainerStatuses()), listOrEmpty(pod.getStatus().getContainerStatuses()))) {
      for (ContainerStatus status : statuses) {
        restarts += status.getRestartCount() == null ? 0 : status.getRestartCount();
      }
    }
    return restarts;
  }

  /** Kubernetes' completedIndexes: {@code 1,3-5,7}. */
  static String intervals(SortedSet<Integer> indexes) {
    List<String> parts = new ArrayList<>();
    Integer start = null;
    Integer previous = null;
    for (int index : indexes) {
      if (previous != null && index == previous + 1) {
        previous = index;
        continue;
      }
      if (start != null) {
        parts.add(start.equals(previous) ? String.valueOf(start) : start + "-" + previous);
      }
      start = index;
      previous = index;
    }
    if (start != null) {
      parts.add(start.equals(previous) ? String.valueOf(start) : start + "-" + previous);
    }
    return parts.stream().collect(Collectors.joining(","));
  }
}
