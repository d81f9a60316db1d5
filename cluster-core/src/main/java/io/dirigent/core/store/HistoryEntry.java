package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import java.time.Instant;

/**
 * One version in an object's history.
 *
 * @param resourceVersion the version
 * @param time when it was written
 * @param operation what the write did
 * @param user who wrote it, when known
 * @param object the object as of this version (for DELETE, its last state)
 */
public record HistoryEntry(long resourceVersion, Instant time, Operation operation, String user, ObjectNode object) {
  public <T> T object(Class<T> type) {
    return KubeJson.toTyped(object, type);
  }
}
