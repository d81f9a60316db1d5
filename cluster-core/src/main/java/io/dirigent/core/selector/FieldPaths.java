package io.dirigent.core.selector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * Reads the fields a {@link FieldSelector} compares from an object's JSON, e.g. {@code
 * spec.nodeName}, {@code involvedObject.kind} or {@code metadata.name}.
 */
public final class FieldPaths {

  private FieldPaths() {}

  /**
   * The value at {@code dottedPath} as text: a string as it is, a number or boolean as written
   * in JSON. Anything missing, null, an object or an array reads as "", which is what a field
   * selector compares a missing field with.
   *
   * @param object the object's JSON; null reads as ""
   * @param dottedPath object keys separated by '.'; null or "" reads as ""
   */
  public static String extract(JsonNode object, String dottedPath) {
    if (object == null || dottedPath == null || dottedPath.isEmpty()) {
      return "";
    }
    JsonNode node = object;
    for (String key : dottedPath.split("\\.", -1)) {
      node = node.get(key);
      if (node == null) {
        return "";
      }
    }
    return node.isValueNode() && !node.isNull() ? node.asText() : "";
  }

  /** The fields of {@code object}, for {@link FieldSelector#matches}. */
  public static Function<String, String> of(JsonNode object) {
    return dottedPath -> extract(object, dottedPath);
  }
}
