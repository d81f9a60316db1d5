package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import java.util.List;

/** One page of a list: the items and the resourceVersion they are consistent with. */
public record ListResult(List<ObjectNode> items, String resourceVersion, String continueToken, long remaining) {
  public ListResult {
    items = List.copyOf(items);
  }

  public <T> List<T> items(Class<T> type) {
    return items.stream().map(item -> KubeJson.toTyped(item, type)).toList();
  }
}
