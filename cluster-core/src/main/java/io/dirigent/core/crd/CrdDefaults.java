package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** STUB replaced at merge. */
public final class CrdDefaults {
  private CrdDefaults() {}

  public static void apply(ObjectNode crd) {
    ObjectNode names = (ObjectNode) crd.with("spec").with("names");
    String kind = names.path("kind").asText("");
    if (!names.has("singular")) {
      names.put("singular", kind.toLowerCase());
    }
    if (!names.has("listKind")) {
      names.put("listKind", kind + "List");
    }
  }
}
