package io.dirigent.core.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.validation.FieldError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Node's range of the pod network, once given, is its for good, as Kubernetes' node validation
 * has it: an update may set {@code spec.podCIDR} and {@code podCIDRs} where they were empty, never
 * change or clear them. Every host routes that range to that node; a node that could move its own
 * range onto another's would draw that node's traffic.
 */
public final class NodeRangeAdmission implements Admission {

  @Override
  public CompletionStage<Admitted> create(ObjectNode node) {
    return CompletableFuture.completedFuture(Admitted.of(node));
  }

  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode node) {
    JsonNode before = current.path("spec");
    JsonNode after = node.path("spec");
    String range = before.path("podCIDR").asText("");
    JsonNode ranges = before.path("podCIDRs");
    if (!range.isEmpty() && !range.equals(after.path("podCIDR").asText(""))
        || ranges.size() > 0 && !ranges.equals(after.path("podCIDRs"))) {
      return CompletableFuture.failedFuture(StoreError.invalid("Node", KubeJson.name(node),
          List.of(FieldError.forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"))).toException());
    }
    return CompletableFuture.completedFuture(Admitted.of(node));
  }

  @Override
  public void deleted(ObjectNode node) {}
}
