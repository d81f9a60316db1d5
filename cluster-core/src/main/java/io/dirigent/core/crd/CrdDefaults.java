package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * What Kubernetes fills in on a CustomResourceDefinition as it arrives in {@code
 * apiextensions.k8s.io/v1} ({@code apis/apiextensions/v1/defaults.go}): the singular name and list
 * kind derived from the kind, the {@code None} conversion strategy, port 443 for a conversion
 * webhook's service, and the storage version as the first stored version.
 *
 * <p>That is all v1 defaults. A version without printer columns keeps none (the table shows Name
 * and Age when it is served, see {@link PrinterColumn#of}), and subresources are off unless asked
 * for — the v1beta1 defaults (a created-at column, the top-level version) are gone in v1.
 */
public final class CrdDefaults {

  /** The conversion strategy that only rewrites {@code apiVersion}, the one Dirigent supports. */
  public static final String NONE_CONVERTER = "None";

  private CrdDefaults() {}

  /** Defaults {@code crd} in place, as Kubernetes' {@code SetDefaults_CustomResourceDefinition}. */
  public static void apply(ObjectNode crd) {
    // A part of the wrong JSON type is left alone, for the type check to report.
    if (!usable(crd.path("spec"))) {
      return;
    }
    ObjectNode spec = object(crd, "spec");
    if (usable(spec.path("names"))) {
      ObjectNode names = object(spec, "names");
      String kind = names.path("kind").asText("");
      if (names.path("singular").asText("").isEmpty()) {
        // Go's strings.ToLower of an empty kind is empty, and Kubernetes sets it all the same.
        names.put("singular", kind.toLowerCase(Locale.ROOT));
      }
      if (names.path("listKind").asText("").isEmpty() && !kind.isEmpty()) {
        names.put("listKind", kind + "List");
      }
    }
    if (spec.path("conversion").isMissingNode() || spec.path("conversion").isNull()) {
      spec.putObject("conversion").put("strategy", NONE_CONVERTER);
    }
    JsonNode service = spec.path("conversion").path("webhook").path("clientConfig").path("service");
    if (service.isObject() && service.path("port").isMissingNode()) {
      ((ObjectNode) service).put("port", 443);
    }
    JsonNode stored = crd.path("status").path("storedVersions");
    boolean noneStored = stored.isMissingNode() || stored.isNull() || (stored.isArray() && stored.isEmpty());
    if (usable(crd.path("status")) && noneStored) {
      for (JsonNode version : CrdRules.list(spec.path("versions"))) {
        if (version.path("storage").asBoolean(false)) {
          object(crd, "status").putArray("storedVersions").add(version.path("name").asText(""));
          break;
        }
      }
    }
  }

  /** An object, or nothing yet (absent or null) that defaulting may make one. */
  private static boolean usable(JsonNode value) {
    return value.isObject() || value.isMissingNode() || value.isNull();
  }

  /** The object under {@code field}, made when absent (or null, as Go decodes a null struct). */
  private static ObjectNode object(ObjectNode parent, String field) {
    JsonNode child = parent.path(field);
    return child.isObject() ? (ObjectNode) child : parent.putObject(field);
  }
}
