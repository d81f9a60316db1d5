package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dirigent.cli.RolloutProgress.Progress;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code rollout status} says at each step, from the object alone — kubectl's words. */
class RolloutProgressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a spec the controller has not seen yet is waited for"
          + " | {\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":3},\"status\":{\"observedGeneration\":1,\"replicas\":3,\"updatedReplicas\":3,\"availableReplicas\":3}}"
          + " | Waiting for deployment spec update to be observed... | false",
      "new replicas still to be made"
          + " | {\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":3},\"status\":{\"observedGeneration\":2,\"replicas\":4,\"updatedReplicas\":1,\"availableReplicas\":3}}"
          + " | Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated... | false",
      "old replicas still to go"
          + " | {\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":3},\"status\":{\"observedGeneration\":2,\"replicas\":4,\"updatedReplicas\":3,\"availableReplicas\":3}}"
          + " | Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination... | false",
      "updated replicas not yet available"
          + " | {\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":3},\"status\":{\"observedGeneration\":2,\"replicas\":3,\"updatedReplicas\":3,\"availableReplicas\":2}}"
          + " | Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available... | false",
      "every replica updated and available is done"
          + " | {\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":3},\"status\":{\"observedGeneration\":2,\"replicas\":3,\"updatedReplicas\":3,\"availableReplicas\":3}}"
          + " | deployment \"web\" successfully rolled out | true",
      "replicas default to one"
          + " | {\"metadata\":{\"generation\":1},\"spec\":{},\"status\":{\"observedGeneration\":1}}"
          + " | Waiting for deployment \"web\" rollout to finish: 0 out of 1 new replicas have been updated... | false",
      "a deployment scaled to zero is done at once"
          + " | {\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":0},\"status\":{\"observedGeneration\":1}}"
          + " | deployment \"web\" successfully rolled out | true",
  })
  void aDeploymentsProgress(String behaviour, String json, String message, boolean done) throws Exception {
    assertThat(RolloutProgress.of(object("Deployment", json))).isEqualTo(new Progress(message, done));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a spec the controller has not seen yet is waited for"
          + " | {\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":2}}"
          + " | Waiting for daemon set spec update to be observed... | false",
      "nodes still running the old pod"
          + " | {\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":3,\"desiredNumberScheduled\":3,\"updatedNumberScheduled\":1,\"numberAvailable\":3}}"
          + " | Waiting for daemon set \"web\" rollout to finish: 1 out of 3 new pods have been updated... | false",
      "updated pods not yet available"
          + " | {\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":3,\"desiredNumberScheduled\":3,\"updatedNumberScheduled\":3,\"numberAvailable\":1}}"
          + " | Waiting for daemon set \"web\" rollout to finish: 1 of 3 updated pods are available... | false",
      "every node updated and available is done"
          + " | {\"metadata\":{\"generation\":3},\"status\":{\"observedGeneration\":3,\"desiredNumberScheduled\":3,\"updatedNumberScheduled\":3,\"numberAvailable\":3}}"
          + " | daemon set \"web\" successfully rolled out | true",
  })
  void aDaemonSetsProgress(String behaviour, String json, String message, boolean done) throws Exception {
    assertThat(RolloutProgress.of(object("DaemonSet", json))).isEqualTo(new Progress(message, done));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a spec the controller has not seen yet is waited for"
          + " | {\"metadata\":{\"generation\":2},\"spec\":{\"replicas\":3},\"status\":{\"observedGeneration\":1}}"
          + " | Waiting for statefulset spec update to be observed... | false",
      "pods not yet ready are waited for"
          + " | {\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":3},\"status\":{\"observedGeneration\":1,\"readyReplicas\":1}}"
          + " | Waiting for 2 pods to be ready... | false",
      "pods above the partition not yet updated are waited for"
          + " | {\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":3,\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":1}}},"
          + "\"status\":{\"observedGeneration\":1,\"readyReplicas\":3,\"updatedReplicas\":1}}"
          + " | Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated... | false",
      "every pod above the partition updated is done"
          + " | {\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":3,\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}},"
          + "\"status\":{\"observedGeneration\":1,\"readyReplicas\":3,\"updatedReplicas\":3}}"
          + " | partitioned roll out complete: 3 new pods have been updated... | true",
      "without rolling parameters, the update revision becoming current is done"
          + " | {\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":2},"
          + "\"status\":{\"observedGeneration\":1,\"readyReplicas\":2,\"currentReplicas\":2,\"currentRevision\":\"web-1\",\"updateRevision\":\"web-1\"}}"
          + " | statefulset rolling update complete 2 pods at revision web-1... | true",
  })
  void aStatefulSetsProgress(String behaviour, String json, String message, boolean done) throws Exception {
    assertThat(RolloutProgress.of(object("StatefulSet", json))).isEqualTo(new Progress(message, done));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a deployment past its progress deadline cannot finish by itself | Deployment"
          + " | {\"metadata\":{\"generation\":1},\"spec\":{\"replicas\":1},\"status\":{\"observedGeneration\":1,"
          + "\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\",\"reason\":\"ProgressDeadlineExceeded\"}]}}"
          + " | deployment \"web\" exceeded its progress deadline",
      "a daemon set updated only on delete has no rollout | DaemonSet"
          + " | {\"metadata\":{\"generation\":1},\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\"}},\"status\":{\"observedGeneration\":1}}"
          + " | rollout status is only available for RollingUpdate strategy type",
      "a replica set has no rollout | ReplicaSet | {} | no status viewer has been implemented for ReplicaSet",
  })
  void aRolloutThatCannotBeFollowedFailsWithKubectlsReason(String behaviour, String kind, String json, String message) throws Exception {
    assertThatThrownBy(() -> RolloutProgress.of(object(kind, json))).isInstanceOf(CliException.class).hasMessage(message);
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode object(String kind, String json) throws Exception {
    var object = (com.fasterxml.jackson.databind.node.ObjectNode) KubeJson.MAPPER.readTree(json);
    object.put("kind", kind);
    object.withObject("/metadata").put("name", "web");
    return object;
  }
}
