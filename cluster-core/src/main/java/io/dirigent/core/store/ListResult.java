package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.KubeJson;
import java.util.List;

/**
 * One page of a list: the items and the resourceVersion they are consistent with.
 * {@code remaining} counts the objects after this page; with a label or field selector it is
 * not counted and is -1 when there are more (Kubernetes leaves {@code remainingItemCount} out
 * then).
 */
public record ListResult(List<ObjectNode> items, String resourceVersion, String continueToken, long remaining) {
  public ListResult {
    items = items.stream().map(FrozenJson::freeze).toList();
  }

  public <T> List<T> items(Class<T> type) {
    return items.stream().map(item -> KubeJson.toTyped(item, type)).toList();
  }
}
