package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** STUB replaced at merge. */
public final class CrdNames {
  private CrdNames() {}

  public static ObjectNode status(ObjectNode crd, List<? extends JsonNode> others, Set<String> builtin, Instant now) {
    ObjectNode status = io.dirigent.core.api.KubeJson.MAPPER.createObjectNode();
    status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
    var conditions = status.putArray("conditions");
    conditions.addObject().put("type", "NamesAccepted").put("status", "True").put("reason", "NoConflicts").put("message", "no conflicts found")
        .put("lastTransitionTime", now.toString());
    conditions.addObject().put("type", "Established").put("status", "True").put("reason", "InitialNamesAccepted")
        .put("message", "the initial names have been accepted").put("lastTransitionTime", now.toString());
    var stored = status.putArray("storedVersions");
    crd.path("spec").path("versions").forEach(v -> { if (v.path("storage").asBoolean()) stored.add(v.path("name").asText()); });
    return status;
  }
}
