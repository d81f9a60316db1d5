package io.dirigent.core.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' ResourceQuota admission for creates of one kind: an object the namespace's quotas
 * have no room for is refused (403, "exceeded quota: NAME, requested: ..., used: ..., limited:
 * ..."), as is a pod that does not set a compute resource a quota limits ("must specify"), or any
 * counted object while a quota's status is not computed yet ("status unknown for quota").
 *
 * <p>Admitting charges the object to each quota's {@code status.used} at once, on the quota's
 * resourceVersion — two creates racing for the last unit cannot both get it, whichever API server
 * they reach — and a write that then fails (or was a dry run) gives the charge back. The quota
 * controller recounts {@code used} from the objects themselves, which also frees what deletes
 * released.
 */
public final class QuotaAdmission implements Admission {

  private static final Logger log = LoggerFactory.getLogger(QuotaAdmission.class);
  private static final int ATTEMPTS = 5;

  private final Store store;
  private final ResourceType type;
  private final ResourceType quotas;

  public QuotaAdmission(Store store, ResourceType type) {
    this.store = store;
    this.type = type;
    this.quotas = store.registry().byResource("resourcequotas").orElseThrow();
  }

  @Override
  public CompletionStage<Admitted> create(ObjectNode object) {
    Map<String, BigDecimal> usage = QuotaUsage.of(type.resource(), object);
    String namespace = KubeJson.namespace(object);
    return store.list(quotas, ListOptions.of(ObjectFilter.inNamespace(namespace))).thenCompose(listed -> {
      if (listed.items().isEmpty()) {
        return CompletableFuture.completedFuture(Admitted.of(object));
      }
      return chargeAll(object, usage, listed.items(), 0, new ArrayList<>());
    });
  }

  /** Charges quota {@code index} onwards; on a refusal, gives back what the earlier ones were charged. */
  private CompletionStage<Admitted> chargeAll(ObjectNode object, Map<String, BigDecimal> usage, List<ObjectNode> all, int index,
      List<Charge> charged) {
    if (index == all.size()) {
      return CompletableFuture.completedFuture(new ChargedAdmission(object, List.copyOf(charged)));
    }
    return charge(object, usage, all.get(index), ATTEMPTS).handle((charge, failure) -> {
      if (failure != null) {
        charged.forEach(this::giveBack);
        return CompletableFuture.<Admitted>failedFuture(StoreException.cause(failure));
      }
      charge.ifPresent(charged::add);
      return chargeAll(object, usage, all, index + 1, charged);
    }).thenCompose(next -> next);
  }

  /** What was charged to one quota. */
  private record Charge(String namespace, String quota, Map<String, BigDecimal> amounts) {}

  /** Checks the object against one quota and charges it; empty when the quota does not count it. */
  private CompletionStage<Optional<Charge>> charge(ObjectNode object, Map<String, BigDecimal> usage, ObjectNode quota, int attemptsLeft) {
    String name = KubeJson.name(quota);
    Map<String, BigDecimal> hardSpec = Amounts.of(quota.path("spec").path("hard"));
    Map<String, BigDecimal> requested = new TreeMap<>();
    usage.forEach((resource, amount) -> {
      if (hardSpec.containsKey(resource)) {
        requested.put(resource, amount);
      }
    });
    List<String> unspecified = QuotaUsage.unspecified(type.resource(), object, hardSpec.keySet());
    if (!unspecified.isEmpty()) {
      return refused(object, "failed quota: %s: must specify %s".formatted(name, String.join(",", unspecified)));
    }
    if (requested.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Map<String, BigDecimal> hard = Amounts.of(quota.path("status").path("hard"));
    List<String> unknown = requested.keySet().stream().filter(resource -> !hard.containsKey(resource)).toList();
    if (!unknown.isEmpty()) {
      return refused(object, "status unknown for quota: %s, resources: %s".formatted(name, String.join(",", unknown)));
    }
    Map<String, BigDecimal> used = Amounts.of(quota.path("status").path("used"));
    Map<String, BigDecimal> exceededRequested = new TreeMap<>();
    Map<String, BigDecimal> exceededUsed = new TreeMap<>();
    Map<String, BigDecimal> exceededHard = new TreeMap<>();
    requested.forEach((resource, amount) -> {
      BigDecimal now = used.getOrDefault(resource, BigDecimal.ZERO);
      if (now.add(amount).compareTo(hard.get(resource)) > 0) {
        exceededRequested.put(resource, amount);
        exceededUsed.put(resource, now);
        exceededHard.put(resource, hard.get(resource));
      }
    });
    if (!exceededRequested.isEmpty()) {
      return refused(object, "exceeded quota: %s, requested: %s, used: %s, limited: %s".formatted(name,
          Amounts.describe(exceededRequested), Amounts.describe(exceededUsed), Amounts.describe(exceededHard)));
    }
    ObjectNode changed = withUsed(quota, Amounts.plus(used, requested));
    return store.updateStatus(quotas, KubeJson.namespace(quota), changed, WriteOptions.DEFAULT).handle((written, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(Optional.of(new Charge(KubeJson.namespace(quota), name, requested)));
      }
      if (attemptsLeft > 1 && StoreException.is(failure, StoreError.Reason.CONFLICT)) {
        return store.get(quotas, KubeJson.namespace(quota), name)
            .thenCompose(fresh -> charge(object, usage, fresh, attemptsLeft - 1));
      }
      if (StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
        return CompletableFuture.completedFuture(Optional.<Charge>empty());
      }
      return CompletableFuture.<Optional<Charge>>failedFuture(StoreException.cause(failure));
    }).thenCompose(next -> next);
  }

  private CompletionStage<Optional<Charge>> refused(ObjectNode object, String why) {
    String name = KubeJson.name(object).isEmpty() ? KubeJson.meta(object, "generateName") : KubeJson.name(object);
    return CompletableFuture.failedFuture(StoreError.of(StoreError.Reason.FORBIDDEN,
        "%s \"%s\" is forbidden: %s".formatted(type.plural(), name, why)).toException());
  }

  /** Gives a charge back, on the quota as it is then (best effort: the controller recounts anyway). */
  private void giveBack(Charge charge) {
    giveBack(charge, ATTEMPTS);
  }

  private void giveBack(Charge charge, int attemptsLeft) {
    store.get(quotas, charge.namespace(), charge.quota()).thenCompose(quota -> {
      Map<String, BigDecimal> used = Amounts.of(quota.path("status").path("used"));
      charge.amounts().forEach((resource, amount) -> used.computeIfPresent(resource, (r, now) -> now.subtract(amount).max(BigDecimal.ZERO)));
      return store.updateStatus(quotas, charge.namespace(), withUsed(quota, used), WriteOptions.DEFAULT);
    }).whenComplete((written, failure) -> {
      if (failure != null && attemptsLeft > 1 && StoreException.is(failure, StoreError.Reason.CONFLICT)) {
        giveBack(charge, attemptsLeft - 1);
      } else if (failure != null && !StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
        log.debug("quota charge not given back quota={}/{} error={}", charge.namespace(), charge.quota(), failure.toString());
      }
    });
  }

  private static ObjectNode withUsed(ObjectNode quota, Map<String, BigDecimal> used) {
    ObjectNode changed = quota.deepCopy();
    ObjectNode status = changed.get("status") instanceof ObjectNode s ? s : changed.putObject("status");
    ObjectNode list = status.putObject("used");
    new TreeMap<>(used).forEach((resource, amount) -> list.put(resource, Amounts.format(amount)));
    return changed;
  }


  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode object) {
    return CompletableFuture.completedFuture(Admitted.of(object));
  }

  @Override
  public void deleted(ObjectNode object) {
    // The quota controller recounts what a delete released.
  }

  /** An admitted create with its charges, given back if the write fails or was only a dry run. */
  private final class ChargedAdmission implements Admitted {
    private final ObjectNode object;
    private final List<Charge> charges;

    ChargedAdmission(ObjectNode object, List<Charge> charges) {
      this.object = object;
      this.charges = charges;
    }

    @Override
    public ObjectNode object() {
      return object;
    }

    @Override
    public void succeeded(boolean persisted) {
      if (!persisted) {
        charges.forEach(QuotaAdmission.this::giveBack);
      }
    }

    @Override
    public void failed() {
      charges.forEach(QuotaAdmission.this::giveBack);
    }
  }
}
