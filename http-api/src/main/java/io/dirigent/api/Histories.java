package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.HistoryEntry;
import java.util.List;

/** The {@code history} subresource's answer: every version of an object, a Secret's without its values. */
final class Histories {

  private Histories() {}

  /**
   * Dirigent's own {@code history} subresource: every version of the object, oldest first, as a
   * list of entries with the version, time, operation, user and the object as it was.
   */
  static ObjectNode list(ApiPath path, List<HistoryEntry> entries) {
    ObjectNode list = KubeJson.MAPPER.createObjectNode();
    list.put("kind", "ObjectHistory");
    list.put("apiVersion", "dirigent.io/v1");
    ObjectNode metadata = list.putObject("metadata");
    metadata.put("name", path.name());
    if (path.namespace() != null) {
      metadata.put("namespace", path.namespace());
    }
    var items = list.putArray("items");
    boolean secret = path.type().resource().equals("secrets");
    JsonNode previousData = null;
    for (HistoryEntry entry : entries) {
      ObjectNode item = items.addObject();
      item.put("resourceVersion", Long.toString(entry.resourceVersion()));
      item.put("time", entry.time().toString());
      item.put("operation", entry.operation().name());
      if (entry.user() != null) {
        item.put("user", entry.user());
      }
      if (secret) {
        // A Secret's past values are not handed out again: each key says only whether it changed.
        JsonNode data = entry.object().path("data");
        item.set("object", redacted(entry.object(), previousData));
        previousData = data;
      } else {
        item.set("object", entry.object());
      }
    }
    return list;
  }

  /** A copy of a Secret version whose {@code data} values say "added", "changed" or "unchanged" since {@code previous}. */
  static ObjectNode redacted(ObjectNode secret, JsonNode previous) {
    ObjectNode copy = secret.deepCopy();
    copy.remove("stringData");
    JsonNode data = secret.path("data");
    if (data.isObject()) {
      ObjectNode marks = copy.putObject("data");
      data.fields().forEachRemaining(field -> {
        JsonNode before = previous == null ? null : previous.get(field.getKey());
        marks.put(field.getKey(), before == null ? "added" : before.equals(field.getValue()) ? "unchanged" : "changed");
      });
    }
    return copy;
  }
}
