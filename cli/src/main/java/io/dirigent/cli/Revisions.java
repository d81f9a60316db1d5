package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.core.api.KubeJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A Deployment's revisions: the ReplicaSets it controls, numbered by their revision annotation. */
final class Revisions {

  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
  static final String TEMPLATE_HASH = "pod-template-hash";

  /**
   * @param number the revision
   * @param replicaSet the ReplicaSet holding its pod template
   */
  record Revision(long number, JsonNode replicaSet) {
    /** The revision's pod template, without the label the controller adds to tell ReplicaSets apart. */
    ObjectNode template() {
      ObjectNode template = replicaSet.path("spec").path("template").deepCopy();
      JsonNode labels = template.path("metadata").path("labels");
      if (labels instanceof ObjectNode mutable) {
        mutable.remove(TEMPLATE_HASH);
      }
      return template;
    }

    String changeCause() {
      return replicaSet.path("metadata").path("annotations").path(CHANGE_CAUSE).asText("");
    }
  }

  private Revisions() {}

  /** The revisions of {@code deployment}, oldest first. */
  static List<Revision> of(ApiClient client, String namespace, JsonNode deployment) {
    String uid = KubeJson.meta(deployment, "uid");
    JsonNode list = client.get(ApiClient.path(ClientOptions.resource("replicasets"), namespace, null));
    List<Revision> revisions = new ArrayList<>();
    for (JsonNode replicaSet : list.path("items")) {
      if (controlledBy(replicaSet, uid)) {
        String number = replicaSet.path("metadata").path("annotations").path(REVISION).asText("");
        if (number.matches("\\d{1,18}")) {
          revisions.add(new Revision(Long.parseLong(number), replicaSet));
        }
      }
    }
    revisions.sort(Comparator.comparingLong(Revision::number));
    return revisions;
  }

  private static boolean controlledBy(JsonNode object, String uid) {
    for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
      if (owner.path("controller").asBoolean(false) && owner.path("uid").asText().equals(uid)) {
        return true;
      }
    }
    return false;
  }
}
