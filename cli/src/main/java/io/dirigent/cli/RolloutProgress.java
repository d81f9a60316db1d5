package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.CliException;

/**
 * How far a rollout has come, in kubectl's words ({@code rollout status}), from the object alone:
 * a Deployment's, DaemonSet's or StatefulSet's generation, status counters and conditions.
 */
final class RolloutProgress {

  /**
   * @param message the line to print
   * @param done whether the rollout has finished
   */
  record Progress(String message, boolean done) {}

  private RolloutProgress() {}

  /** The progress of {@code object}; fails when the rollout can no longer finish by itself. */
  static Progress of(JsonNode object) {
    return switch (object.path("kind").asText()) {
      case "Deployment" -> deployment(object);
      case "DaemonSet" -> daemonSet(object);
      case "StatefulSet" -> statefulSet(object);
      default -> throw new CliException("no status viewer has been implemented for " + object.path("kind").asText());
    };
  }

  private static Progress deployment(JsonNode deployment) {
    String name = deployment.path("metadata").path("name").asText();
    JsonNode status = deployment.path("status");
    if (!observed(deployment)) {
      return waiting("Waiting for deployment spec update to be observed...");
    }
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("Progressing")
          && condition.path("reason").asText().equals("ProgressDeadlineExceeded")) {
        throw new CliException("deployment \"" + name + "\" exceeded its progress deadline");
      }
    }
    long wanted = deployment.path("spec").path("replicas").asLong(1);
    long updated = status.path("updatedReplicas").asLong(0);
    long replicas = status.path("replicas").asLong(0);
    long available = status.path("availableReplicas").asLong(0);
    if (updated < wanted) {
      return waiting("Waiting for deployment \"%s\" rollout to finish: %d out of %d new replicas have been updated..."
          .formatted(name, updated, wanted));
    }
    if (replicas > updated) {
      return waiting("Waiting for deployment \"%s\" rollout to finish: %d old replicas are pending termination..."
          .formatted(name, replicas - updated));
    }
    if (available < updated) {
      return waiting("Waiting for deployment \"%s\" rollout to finish: %d of %d updated replicas are available..."
          .formatted(name, available, updated));
    }
    return new Progress("deployment \"%s\" successfully rolled out".formatted(name), true);
  }

  private static Progress daemonSet(JsonNode daemonSet) {
    String name = daemonSet.path("metadata").path("name").asText();
    if (daemonSet.path("spec").path("updateStrategy").path("type").asText("RollingUpdate").equals("OnDelete")) {
      throw new CliException("rollout status is only available for RollingUpdate strategy type");
    }
    if (!observed(daemonSet)) {
      return waiting("Waiting for daemon set spec update to be observed...");
    }
    JsonNode status = daemonSet.path("status");
    long desired = status.path("desiredNumberScheduled").asLong(0);
    long updated = status.path("updatedNumberScheduled").asLong(0);
    long available = status.path("numberAvailable").asLong(0);
    if (updated < desired) {
      return waiting("Waiting for daemon set \"%s\" rollout to finish: %d out of %d new pods have been updated..."
          .formatted(name, updated, desired));
    }
    if (available < desired) {
      return waiting("Waiting for daemon set \"%s\" rollout to finish: %d of %d updated pods are available..."
          .formatted(name, available, desired));
    }
    return new Progress("daemon set \"%s\" successfully rolled out".formatted(name), true);
  }

  /** Whether the controller has seen the object's latest spec. */
  /** kubectl's StatefulSetStatusViewer: ready pods, then the partition's updates, then the revisions. */
  private static Progress statefulSet(JsonNode statefulSet) {
    JsonNode spec = statefulSet.path("spec");
    if (spec.path("updateStrategy").path("type").asText("RollingUpdate").equals("OnDelete")) {
      throw new CliException("rollout status is only available for RollingUpdate strategy type");
    }
    JsonNode status = statefulSet.path("status");
    if (status.path("observedGeneration").asLong(0) == 0 || !observed(statefulSet)) {
      return waiting("Waiting for statefulset spec update to be observed...");
    }
    long replicas = spec.path("replicas").asLong(1);
    long ready = status.path("readyReplicas").asLong(0);
    if (ready < replicas) {
      return waiting("Waiting for %d pods to be ready...".formatted(replicas - ready));
    }
    long updated = status.path("updatedReplicas").asLong(0);
    JsonNode rolling = spec.path("updateStrategy").path("rollingUpdate");
    if (rolling.isObject()) {
      JsonNode partition = rolling.path("partition");
      if (partition.isNumber() && updated < replicas - partition.asLong()) {
        return waiting("Waiting for partitioned roll out to finish: %d out of %d new pods have been updated..."
            .formatted(updated, replicas - partition.asLong()));
      }
      return new Progress("partitioned roll out complete: %d new pods have been updated...".formatted(updated), true);
    }
    String update = status.path("updateRevision").asText("");
    if (!update.equals(status.path("currentRevision").asText(""))) {
      return waiting("waiting for statefulset rolling update to complete %d pods at revision %s...".formatted(updated, update));
    }
    return new Progress("statefulset rolling update complete %d pods at revision %s...".formatted(status.path("currentReplicas").asLong(0), update), true);
  }

  private static boolean observed(JsonNode object) {
    return object.path("metadata").path("generation").asLong(0) <= object.path("status").path("observedGeneration").asLong(0);
  }

  private static Progress waiting(String message) {
    return new Progress(message, false);
  }
}
