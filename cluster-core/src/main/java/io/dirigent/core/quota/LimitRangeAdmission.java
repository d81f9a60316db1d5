package io.dirigent.core.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Kubernetes' LimitRanger admission for new pods: the namespace's LimitRanges' defaults, then
 * their bounds ({@link LimitRanger}); a pod out of bounds is refused with 403 and every bound it
 * breaks.
 */
public final class LimitRangeAdmission implements Admission {

  private final Store store;

  public LimitRangeAdmission(Store store) {
    this.store = store;
  }

  @Override
  public CompletionStage<Admitted> create(ObjectNode pod) {
    var ranges = store.registry().byResource("limitranges").orElseThrow();
    return store.list(ranges, ListOptions.of(ObjectFilter.inNamespace(KubeJson.namespace(pod)))).thenApply(listed -> {
      if (listed.items().isEmpty()) {
        return Admitted.of(pod);
      }
      ObjectNode spec = pod.get("spec") instanceof ObjectNode s ? s : pod.putObject("spec");
      LimitRanger.applyDefaults(spec, listed.items());
      List<String> violations = LimitRanger.violations(spec, listed.items());
      if (!violations.isEmpty()) {
        String name = KubeJson.name(pod).isEmpty() ? KubeJson.meta(pod, "generateName") : KubeJson.name(pod);
        throw StoreError.of(StoreError.Reason.FORBIDDEN, "pods \"%s\" is forbidden: %s".formatted(name, LimitRanger.aggregate(violations)))
            .toException();
      }
      return Admitted.of(pod);
    });
  }

  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode object) {
    return CompletableFuture.completedFuture(Admitted.of(object));
  }

  @Override
  public void deleted(ObjectNode object) {
    // Nothing was reserved.
  }
}
