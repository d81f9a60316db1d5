package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonpatch.JsonPatchException;
import com.github.fge.jsonpatch.mergepatch.JsonMergePatch;
import io.dirigent.compat.StrategicMergePatch;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.StoreError;

/** Applies JSON patches (RFC 6902), JSON merge patches (RFC 7386) and Kubernetes' strategic merge patches to objects. */
final class Patches {

  private Patches() {}

  /**
   * {@code target} with {@code patch} applied; a malformed patch is BAD_REQUEST, one that cannot
   * be applied (a failed {@code test}, a missing path) is INVALID; a JSON patch may copy at most
   * {@code maxCopiedBytes}.
   */
  static ObjectNode apply(RequestBodies.Patch patch, ObjectNode target, long maxCopiedBytes) {
    JsonNode result;
    switch (patch.type()) {
      case JSON -> result = JsonPatches.apply(patch.body(), target, maxCopiedBytes);
      case MERGE -> {
        try {
          result = JsonMergePatch.fromJson(patch.body()).apply(target);
        } catch (JsonPatchException e) {
          throw StoreError.of(StoreError.Reason.BAD_REQUEST, "the merge patch is malformed: " + e.getMessage()).toException();
        }
      }
      case STRATEGIC, APPLY -> {
        try {
          result = StrategicMergePatch.apply(target, patch.body(), target.path("kind").asText());
        } catch (IllegalArgumentException e) {
          throw StoreError.of(StoreError.Reason.BAD_REQUEST, "the strategic merge patch is malformed: " + e.getMessage()).toException();
        }
      }
      default -> throw new IllegalStateException("patch type " + patch.type());
    }
    if (!result.isObject()) {
      throw StoreError.of(StoreError.Reason.INVALID, "the patched object is not an object").toException();
    }
    return (ObjectNode) result;
  }

  /**
   * How often a patch that names no resourceVersion is applied again to a newer object when another
   * write came between its read and its write. Kubernetes retries such a patch until it lands; a
   * bound keeps one hot object from holding a request forever, and is well above what writers of
   * one object at once make needed.
   */
  static final int ATTEMPTS = 20;

  /** Whether the patch itself names a resourceVersion, making it a precondition. */
  static boolean pinsVersion(ObjectNode current, ObjectNode patched) {
    String named = KubeJson.meta(patched, "resourceVersion");
    return !named.isEmpty() && !named.equals(KubeJson.meta(current, "resourceVersion"));
  }
}
