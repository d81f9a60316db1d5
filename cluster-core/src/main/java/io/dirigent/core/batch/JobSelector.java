package io.dirigent.core.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The selector Kubernetes generates for a Job that does not set {@code manualSelector}: its pod
 * template is labelled with the Job's uid and name (the new labels and the legacy ones), and the
 * selector matches the uid — unique to this Job, so no two Jobs ever share pods. It needs the uid,
 * so the store applies it when it creates the Job; a Job without labels of its own takes its
 * template's, as Kubernetes' defaulting copies them.
 */
public final class JobSelector {

  private JobSelector() {}

  /** Whether the Job chose its selector itself. */
  public static boolean manual(JsonNode job) {
    return job.path("spec").path("manualSelector").asBoolean(false);
  }

  /** Generates the selector and template labels of a Job being created, in place. */
  public static void generate(ObjectNode job) {
    ObjectNode meta = (ObjectNode) job.path("metadata");
    ObjectNode spec = job.path("spec") instanceof ObjectNode s ? s : job.putObject("spec");
    if (!manual(job)) {
      String uid = meta.path("uid").asText();
      String name = meta.path("name").asText();
      ObjectNode template = object(spec, "template");
      ObjectNode labels = object(object(template, "metadata"), "labels");
      putIfAbsent(labels, BatchLabels.LEGACY_CONTROLLER_UID, uid);
      putIfAbsent(labels, BatchLabels.CONTROLLER_UID, uid);
      putIfAbsent(labels, BatchLabels.LEGACY_JOB_NAME, name);
      putIfAbsent(labels, BatchLabels.JOB_NAME, name);
      putIfAbsent(object(object(spec, "selector"), "matchLabels"), BatchLabels.CONTROLLER_UID, uid);
    }
    JsonNode ownLabels = meta.path("labels");
    JsonNode templateLabels = spec.path("template").path("metadata").path("labels");
    if ((!ownLabels.isObject() || ownLabels.isEmpty()) && templateLabels.isObject() && !templateLabels.isEmpty()) {
      meta.set("labels", templateLabels.deepCopy());
    }
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    return parent.get(field) instanceof ObjectNode child ? child : parent.putObject(field);
  }

  private static void putIfAbsent(ObjectNode node, String field, String value) {
    if (!node.has(field)) {
      node.put(field, value);
    }
  }
}
