package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ConditionStatus;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.PodConditions;
import io.dirigent.core.api.PodPhase;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.selector.LabelSelector;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * A pod's {@code eviction} subresource (policy/v1 Eviction), as Kubernetes' EvictionREST: the pod
 * is deleted only if the PodDisruptionBudget that selects it allows one more disruption now, and
 * that allowance is taken from the budget's status in the same step (an update on the budget's
 * resourceVersion, tried again when another eviction or the disruption controller wrote first), so
 * two evictions racing for the last allowed disruption cannot both win. A refusal is Kubernetes'
 * 429 with the budget named in its cause, which {@code kubectl drain} waits on and retries.
 */
final class Evictions {

  /** The pod condition an eviction adds before the delete, as Kubernetes' PodDisruptionConditions. */
  static final String DISRUPTION_TARGET = "DisruptionTarget";
  /** Kubernetes' limit on evictions a budget's status holds that the controller has not yet seen deleted. */
  static final int MAX_DISRUPTED_PODS = 2000;
  private static final int ATTEMPTS = 5;

  private final Store store;
  private final ResourceType pods;
  private final ResourceType budgets;
  private final Clock clock;

  Evictions(Store store, Clock clock) {
    this.store = store;
    this.pods = store.registry().byResource("pods").orElseThrow();
    this.budgets = store.registry().byResource("poddisruptionbudgets.policy").orElseThrow();
    this.clock = clock;
  }

  /** Evicts the pod of {@code path} as {@code eviction} (a policy/v1 Eviction) asks. */
  CompletionStage<HttpResponse> evict(ApiPath path, ObjectNode eviction, WriteOptions options) {
    String named = KubeJson.name(eviction);
    if (!named.isEmpty() && !named.equals(path.name())) {
      return failed(StoreError.of(StoreError.Reason.BAD_REQUEST, "name in URL does not match name in Eviction object"));
    }
    JsonNode deleteOptions = eviction.path("deleteOptions");
    DeleteOptions delete = deleteOptions.isObject() ? DeleteApi.deleteOptions(deleteOptions) : DeleteOptions.defaults();
    return store.get(pods, path.namespace(), path.name()).thenCompose(pod -> {
      // A pod that has ended, has not started, or is going already disrupts no one by going.
      PodPhase phase = PodPhase.of(pod);
      if (phase == PodPhase.SUCCEEDED || phase == PodPhase.FAILED || phase == PodPhase.PENDING
          || !KubeJson.meta(pod, "deletionTimestamp").isEmpty()) {
        return deletePod(pod, delete, false, options);
      }
      return store.list(budgets, ListOptions.of(ObjectFilter.inNamespace(path.namespace()))).thenCompose(listed -> {
        List<ObjectNode> selecting = listed.items().stream().filter(budget -> selects(budget, pod)).toList();
        if (selecting.size() > 1) {
          return failed(StoreError.of(StoreError.Reason.INTERNAL,
              "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."));
        }
        if (selecting.isEmpty()) {
          return deletePod(pod, delete, false, options);
        }
        ObjectNode budget = selecting.get(0);
        if (!ready(pod) && unhealthyMayGo(budget)) {
          // An unready pod counts in no budget's health: it goes, if it is still the pod that was looked at.
          return deletePod(pod, delete, true, options);
        }
        return takeDisruption(budget, path.name(), options, ATTEMPTS).thenCompose(refusal -> refusal != null
            ? CompletableFuture.completedFuture(refusal)
            : deletePod(pod, delete, false, options));
      });
    });
  }

  /** As policy/v1: no selector selects nothing, an empty one every pod of the namespace. */
  private static boolean selects(JsonNode budget, ObjectNode pod) {
    JsonNode selector = budget.path("spec").path("selector");
    if (!selector.isObject()) {
      return false;
    }
    try {
      return LabelSelector.of(KubeJson.toTyped(selector, io.fabric8.kubernetes.api.model.LabelSelector.class))
          .matches(KubeJson.stringMap(pod, "labels"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean ready(JsonNode pod) {
    for (JsonNode condition : pod.path("status").path("conditions")) {
      if (PodConditions.READY.equals(condition.path("type").asText())) {
        return PodConditions.TRUE.equals(condition.path("status").asText());
      }
    }
    return false;
  }

  /** Whether an unready pod may go without taking a disruption: AlwaysAllow, or a budget that is healthy without it. */
  private static boolean unhealthyMayGo(JsonNode budget) {
    if ("AlwaysAllow".equals(budget.path("spec").path("unhealthyPodEvictionPolicy").asText())) {
      return true;
    }
    JsonNode status = budget.path("status");
    int desired = status.path("desiredHealthy").asInt();
    return desired > 0 && status.path("currentHealthy").asInt() >= desired;
  }

  /**
   * Takes one disruption from the budget's status, recording the pod as disrupted; answers null
   * when taken, else the refusal to send. A lost race with another writer reads the budget again.
   */
  private CompletionStage<HttpResponse> takeDisruption(ObjectNode budget, String pod, WriteOptions options, int attemptsLeft) {
    String name = KubeJson.name(budget);
    JsonNode status = budget.path("status");
    if (status.path("observedGeneration").asLong(0) < budget.path("metadata").path("generation").asLong(0)) {
      return CompletableFuture.completedFuture(tooManyRequests("The disruption budget " + name + " is still being processed by the server."));
    }
    int allowed = status.path("disruptionsAllowed").asInt(0);
    if (allowed < 0) {
      return failed(forbidden(name, "pdb disruptions allowed is negative"));
    }
    if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
      return failed(forbidden(name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller"));
    }
    if (allowed == 0) {
      return CompletableFuture.completedFuture(tooManyRequests("The disruption budget %s needs %d healthy pods and has %d currently"
          .formatted(name, status.path("desiredHealthy").asInt(), status.path("currentHealthy").asInt())));
    }
    ObjectNode changed = budget.deepCopy();
    ObjectNode newStatus = (ObjectNode) changed.path("status");
    newStatus.put("disruptionsAllowed", allowed - 1);
    if (allowed - 1 == 0) {
      for (JsonNode condition : newStatus.path("conditions")) {
        if ("DisruptionAllowed".equals(condition.path("type").asText()) && condition instanceof ObjectNode c) {
          c.put("status", ConditionStatus.FALSE).put("reason", "InsufficientPods").put("lastTransitionTime", KubeJson.timestamp(clock.instant()));
        }
      }
    }
    (newStatus.get("disruptedPods") instanceof ObjectNode map ? map : newStatus.putObject("disruptedPods"))
        .put(pod, KubeJson.timestamp(clock.instant()));
    if (options.dryRun()) {
      return CompletableFuture.completedFuture(null);
    }
    return store.updateStatus(budgets, KubeJson.namespace(budget), changed, options).<CompletionStage<HttpResponse>>handle((written, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (attemptsLeft > 1 && StoreException.is(failure, StoreError.Reason.CONFLICT)) {
        return store.get(budgets, KubeJson.namespace(budget), name).thenCompose(fresh -> takeDisruption(fresh, pod, options, attemptsLeft - 1));
      }
      return CompletableFuture.failedFuture(StoreException.cause(failure));
    }).thenCompose(next -> next);
  }

  /**
   * Marks the pod DisruptionTarget (best effort, as Kubernetes) and deletes it; answers Kubernetes'
   * success Status. {@code pinned}: only if it is still the pod that was looked at (its version
   * then, or the one the mark made).
   */
  private CompletionStage<HttpResponse> deletePod(ObjectNode pod, DeleteOptions delete, boolean pinned, WriteOptions options) {
    CompletionStage<ObjectNode> marked = options.dryRun() || !KubeJson.meta(pod, "deletionTimestamp").isEmpty()
        ? CompletableFuture.completedFuture(pod)
        : markDisruptionTarget(pod, options).exceptionally(failure -> pod);
    return marked.thenCompose(current -> store.delete(pods, KubeJson.namespace(pod), KubeJson.name(pod),
            pinned ? delete.withPreconditions(KubeJson.uid(current), KubeJson.meta(current, "resourceVersion")) : delete, options))
        .thenApply(deleted -> Responses.json(201, ApiStatus.success(201)));
  }

  private CompletionStage<ObjectNode> markDisruptionTarget(ObjectNode pod, WriteOptions options) {
    ObjectNode changed = pod.deepCopy();
    ObjectNode status = changed.get("status") instanceof ObjectNode s ? s : changed.putObject("status");
    ArrayNode conditions = status.get("conditions") instanceof ArrayNode c ? c : status.putArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if (DISRUPTION_TARGET.equals(conditions.get(i).path("type").asText())) {
        conditions.remove(i);
      }
    }
    conditions.addObject().put("type", DISRUPTION_TARGET).put("status", ConditionStatus.TRUE)
        .put("lastTransitionTime", KubeJson.timestamp(clock.instant()))
        .put("reason", "EvictionByEvictionAPI").put("message", "Eviction API: evicting");
    return store.updateStatus(pods, KubeJson.namespace(pod), changed, options);
  }

  /** Kubernetes' 429 for an eviction a budget does not allow now, with the budget's word as its cause. */
  private static HttpResponse tooManyRequests(String cause) {
    ObjectNode status = ApiStatus.failure(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
    ObjectNode details = status.putObject("details");
    details.putArray("causes").addObject().put("reason", "DisruptionBudget").put("message", cause);
    return Responses.status(status);
  }

  private static StoreError forbidden(String budget, String why) {
    return StoreError.of(StoreError.Reason.FORBIDDEN, "poddisruptionbudgets.policy \"%s\" is forbidden: %s".formatted(budget, why));
  }

  private static <T> CompletionStage<T> failed(StoreError error) {
    return CompletableFuture.failedFuture(error.toException());
  }
}
