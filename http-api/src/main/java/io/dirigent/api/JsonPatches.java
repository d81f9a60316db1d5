package io.dirigent.api;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.InvalidJsonPatchException;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.StoreError;

/**
 * RFC 6902 JSON patches, bounded as Kubernetes bounds them: at most {@value #MAX_OPERATIONS}
 * operations, and what {@code copy} operations copy adds up to at most a limit — without it, a
 * kilobyte of patch doubling the object with each copy makes gigabytes. The operations are applied
 * one at a time, in place, to one copy of the object, so the work is the patch's length plus what
 * it copies, whatever the object's size.
 */
final class JsonPatches {

  /** Kubernetes' maxJSONPatchOperations. */
  static final int MAX_OPERATIONS = 10_000;

  private JsonPatches() {}

  /**
   * {@code target} with {@code patch} applied. A malformed patch is BAD_REQUEST; too many
   * operations or too much copied is TOO_LARGE; one that cannot be applied (a failed test, a
   * missing path) is INVALID.
   */
  static JsonNode apply(JsonNode patch, ObjectNode target, long maxCopiedBytes) {
    if (!patch.isArray()) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "a JSON patch must be an array of operations").toException();
    }
    if (patch.size() > MAX_OPERATIONS) {
      throw StoreError.of(StoreError.Reason.TOO_LARGE,
          "The allowed maximum operations in a JSON patch is %d, got %d".formatted(MAX_OPERATIONS, patch.size())).toException();
    }
    try {
      JsonPatch.validate(patch);
    } catch (InvalidJsonPatchException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "the JSON patch is malformed: " + e.getMessage()).toException();
    }
    JsonNode document = target.deepCopy();
    long copied = 0;
    for (JsonNode operation : patch) {
      if (operation.path("op").asText().equals("copy")) {
        copied += size(document.at(pointer(operation.path("from").asText())));
        if (copied > maxCopiedBytes) {
          throw StoreError.of(StoreError.Reason.TOO_LARGE,
              "the JSON patch copies more than the %d bytes a patch may copy".formatted(maxCopiedBytes)).toException();
        }
      }
      ArrayNode single = KubeJson.MAPPER.createArrayNode().add(operation);
      try {
        if (operation.path("path").asText().isEmpty()) {
          // The whole document is replaced: that cannot happen in place.
          document = JsonPatch.apply(single, document);
        } else {
          JsonPatch.applyInPlace(single, document);
        }
      } catch (JsonPatchApplicationException e) {
        throw StoreError.of(StoreError.Reason.INVALID, "the JSON patch could not be applied: " + e.getMessage()).toException();
      } catch (RuntimeException e) {
        throw StoreError.of(StoreError.Reason.INVALID, "the JSON patch could not be applied: " + e).toException();
      }
    }
    return document;
  }

  private static JsonPointer pointer(String text) {
    try {
      return JsonPointer.compile(text);
    } catch (IllegalArgumentException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "the JSON patch is malformed: invalid pointer \"%s\"".formatted(text)).toException();
    }
  }

  private static long size(JsonNode node) {
    if (node.isMissingNode()) {
      return 0;
    }
    try {
      return KubeJson.MAPPER.writeValueAsBytes(node).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
