package io.dirigent.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A StatefulSet's pod templates as ControllerRevisions, as Kubernetes keeps them: one per template,
 * named {@code <set>-<hash>}, labelled with the template's labels and
 * {@code controller.kubernetes.io/hash}, holding the patch {@code {"spec":{"template":{…,"$patch":"replace"}}}}
 * that {@code kubectl rollout undo} applies, and numbered: a template that comes back gets the next
 * number again. Revisions beyond {@code revisionHistoryLimit} (10) that are neither current nor the
 * update are deleted, oldest first.
 */
final class StatefulSetRevisions {

  static final String HASH_LABEL = "controller.kubernetes.io/hash";
  private static final Logger log = LoggerFactory.getLogger(StatefulSetRevisions.class);

  private StatefulSetRevisions() {}

  /**
   * @param current the revision pods below the partition keep
   * @param update the revision of the set's template now
   * @param templates each known revision's pod template
   * @param owned the set's revisions as the cache has them
   */
  record Revisions(String current, String update, Map<String, PodTemplateSpec> templates, List<ControllerRevision> owned) {}

  static Revisions of(StatefulSet sts, List<ControllerRevision> owned) {
    String update = sts.getMetadata().getName() + "-" + DeploymentController.templateHash(sts.getSpec().getTemplate());
    Map<String, PodTemplateSpec> templates = new HashMap<>();
    for (ControllerRevision revision : owned) {
      JsonNode template = KubeJson.MAPPER.valueToTree(revision.getData()).path("spec").path("template");
      if (template.isObject()) {
        ObjectNode copy = template.deepCopy();
        copy.remove("$patch");
        templates.put(revision.getMetadata().getName(), KubeJson.toTyped(copy, PodTemplateSpec.class));
      }
    }
    templates.put(update, sts.getSpec().getTemplate());
    String recorded = sts.getStatus() == null ? null : sts.getStatus().getCurrentRevision();
    String current = recorded != null && templates.containsKey(recorded) ? recorded : update;
    return new Revisions(current, update, Map.copyOf(templates), List.copyOf(owned));
  }

  /** Makes the update revision, or numbers it last again if it is an older one come back. */
  static CompletionStage<?> ensure(Store store, StatefulSet sts, Revisions revisions) {
    long last = revisions.owned().stream().map(r -> r.getRevision() == null ? 0L : r.getRevision()).max(Long::compare).orElse(0L);
    Optional<ControllerRevision> existing = revisions.owned().stream().filter(r -> r.getMetadata().getName().equals(revisions.update())).findFirst();
    if (existing.isPresent()) {
      long number = existing.get().getRevision() == null ? 0 : existing.get().getRevision();
      if (number >= last) {
        return CompletableFuture.completedFuture(null);
      }
      ControllerRevision renumbered = Cache.copy(existing.get());
      renumbered.setRevision(last + 1);
      log.info("statefulset={} template of revision={} back, numbered {}", Cache.key(sts), revisions.update(), last + 1);
      return store.update(renumbered);
    }
    ObjectNode template = KubeJson.MAPPER.valueToTree(sts.getSpec().getTemplate());
    template.put("$patch", "replace");
    ObjectNode data = KubeJson.MAPPER.createObjectNode();
    data.putObject("spec").set("template", template);
    ObjectMeta meta = new ObjectMeta();
    meta.setName(revisions.update());
    meta.setNamespace(sts.getMetadata().getNamespace());
    Map<String, String> labels = new HashMap<>();
    var templateMeta = sts.getSpec().getTemplate().getMetadata();
    if (templateMeta != null && templateMeta.getLabels() != null) {
      labels.putAll(templateMeta.getLabels());
    }
    labels.put(HASH_LABEL, revisions.update().substring(sts.getMetadata().getName().length() + 1));
    meta.setLabels(labels);
    meta.setOwnerReferences(List.of(Owners.reference(sts)));
    ControllerRevision revision = new ControllerRevision("apps/v1", KubeJson.MAPPER.convertValue(data, Object.class), "ControllerRevision", meta, last + 1);
    log.debug("statefulset={} creating revision={} number={}", Cache.key(sts), revisions.update(), last + 1);
    return store.create(revision).exceptionally(failure -> {
      if (StoreException.is(failure, StoreError.Reason.ALREADY_EXISTS)) {
        return null;
      }
      throw new CompletionException(StoreException.cause(failure));
    });
  }

  /** Deletes the oldest revisions beyond the history limit, never the current or the update one. */
  static CompletionStage<?> prune(Store store, StatefulSet sts, Revisions revisions, StatefulSetStatus status) {
    int limit = sts.getSpec().getRevisionHistoryLimit() == null ? 10 : sts.getSpec().getRevisionHistoryLimit();
    List<ControllerRevision> old = new ArrayList<>(revisions.owned().stream()
        .filter(r -> !r.getMetadata().getName().equals(status.getCurrentRevision()) && !r.getMetadata().getName().equals(status.getUpdateRevision()))
        .toList());
    old.sort(Comparator.comparing(r -> r.getRevision() == null ? 0L : r.getRevision()));
    List<CompletableFuture<?>> deletes = new ArrayList<>();
    for (int i = 0; i < old.size() - limit; i++) {
      String name = old.get(i).getMetadata().getName();
      log.debug("statefulset={} deleting old revision={}", Cache.key(sts), name);
      deletes.add(store.delete(ControllerRevision.class, sts.getMetadata().getNamespace(), name, DeleteOptions.defaults()).toCompletableFuture()
          .exceptionally(failure -> null));
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
  }
}
