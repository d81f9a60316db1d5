package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A CRD's status as Kubernetes' naming and establishing controllers leave it, computed in one
 * pure step: which of the requested names it may have, the {@code NamesAccepted} and {@code
 * Established} conditions, and the stored versions.
 *
 * <p>Names are first come, first served within a group. A requested name another CRD of the group
 * has already been given (or a built-in resource of the group has) is refused and the name
 * accepted before is kept, so objects already served under it stay reachable. Once established a
 * CRD stays established, even if a later change of its names conflicts.
 */
public final class CrdNames {

  public static final String NAMES_ACCEPTED = "NamesAccepted";
  public static final String ESTABLISHED = "Established";
  static final String NO_CONFLICTS = "NoConflicts";
  static final String INITIAL_NAMES_ACCEPTED = "InitialNamesAccepted";
  static final String NOT_ACCEPTED = "NotAccepted";

  private CrdNames() {}

  /**
   * The status {@code crd} should have: a copy of its status with accepted names, conditions and
   * stored versions brought up to date.
   *
   * @param others the other CRDs; those of another group, and {@code crd} itself, are ignored
   * @param builtinResourcesOfGroup the resource names (plural, singular, short) built into the
   *     group, which no CRD may take
   * @param now when the conditions that change status changed
   */
  public static ObjectNode status(ObjectNode crd, List<? extends JsonNode> others,
      Set<String> builtinResourcesOfGroup, Instant now) {
    JsonNode spec = crd.path("spec");
    Set<String> resources = new HashSet<>(builtinResourcesOfGroup);
    Set<String> kinds = new HashSet<>();
    String name = crd.path("metadata").path("name").asText("");
    for (JsonNode other : others) {
      if (!other.path("spec").path("group").asText("").equals(spec.path("group").asText(""))
          || other.path("metadata").path("name").asText("").equals(name)) {
        continue;
      }
      JsonNode taken = other.path("status").path("acceptedNames");
      addText(resources, taken.path("plural"));
      addText(resources, taken.path("singular"));
      taken.path("shortNames").forEach(shortName -> addText(resources, shortName));
      addText(kinds, taken.path("kind"));
      addText(kinds, taken.path("listKind"));
    }

    JsonNode requested = spec.path("names");
    JsonNode accepted = crd.path("status").path("acceptedNames");
    ObjectNode names = accepted.isObject() ? accepted.deepCopy() : JsonNodeFactory.instance.objectNode();
    Condition namesAccepted = new Condition(NAMES_ACCEPTED, "True", NO_CONFLICTS, "no conflicts found");
    namesAccepted = claim(names, "plural", requested, accepted, resources, "PluralConflict", namesAccepted);
    namesAccepted = claim(names, "singular", requested, accepted, resources, "SingularConflict", namesAccepted);
    namesAccepted = claimShortNames(names, requested, accepted, resources, namesAccepted);
    namesAccepted = claim(names, "kind", requested, accepted, kinds, "KindConflict", namesAccepted);
    namesAccepted = claim(names, "listKind", requested, accepted, kinds, "ListKindConflict", namesAccepted);
    for (String field : List.of("plural", "kind")) {
      if (!names.has(field)) {
        names.put(field, ""); // never omitted from acceptedNames, as in Kubernetes' JSON
      }
    }
    if (!texts(requested.path("categories")).equals(texts(accepted.path("categories")))) {
      setList(names, "categories", texts(requested.path("categories")));
    }

    ObjectNode status = crd.path("status").isObject()
        ? crd.path("status").deepCopy() : JsonNodeFactory.instance.objectNode();
    status.set("acceptedNames", names);
    Condition established = isEstablished(crd)
        ? null : new Condition(ESTABLISHED, "False", NOT_ACCEPTED, "not all names are accepted");
    if (established != null && namesAccepted.status().equals("True")) {
      established = new Condition(ESTABLISHED, "True", INITIAL_NAMES_ACCEPTED,
          "the initial names have been accepted");
    }
    ArrayNode conditions = status.path("conditions").isArray()
        ? (ArrayNode) status.path("conditions") : status.putArray("conditions");
    namesAccepted.setIn(conditions, now);
    if (established != null) {
      established.setIn(conditions, now);
    }
    storedVersions(status, spec);
    return status;
  }

  /** Whether {@code crd} has the condition {@code Established=True}. */
  public static boolean isEstablished(JsonNode crd) {
    for (JsonNode condition : crd.path("status").path("conditions")) {
      if (condition.path("type").asText().equals(ESTABLISHED)) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** Kubernetes' {@code equalToAcceptedOrFresh} for one name, updating the names on success. */
  private static Condition claim(ObjectNode names, String field, JsonNode requested,
      JsonNode accepted, Set<String> used, String conflict, Condition current) {
    String wanted = requested.path(field).asText("");
    if (wanted.equals(accepted.path(field).asText("")) || !used.contains(wanted)) {
      if (!wanted.isEmpty() || field.equals("plural") || field.equals("kind")) {
        names.put(field, wanted);
      } else {
        names.remove(field);
      }
      return current;
    }
    return new Condition(NAMES_ACCEPTED, "False", conflict, inUse(wanted));
  }

  private static Condition claimShortNames(ObjectNode names, JsonNode requested, JsonNode accepted,
      Set<String> used, Condition current) {
    List<String> wanted = texts(requested.path("shortNames"));
    List<String> had = texts(accepted.path("shortNames"));
    if (wanted.equals(had)) {
      return current;
    }
    List<String> conflicts = new ArrayList<>();
    for (String shortName : wanted) {
      if (!had.contains(shortName) && used.contains(shortName)) {
        conflicts.add(inUse(shortName));
      }
    }
    if (conflicts.isEmpty()) {
      setList(names, "shortNames", wanted);
      return current;
    }
    // Kubernetes' aggregate error: one message alone, several as "[a, b]".
    String message = conflicts.size() == 1 ? conflicts.get(0) : "[" + String.join(", ", conflicts) + "]";
    return new Condition(NAMES_ACCEPTED, "False", "ShortNamesConflict", message);
  }

  /** The storage version joins the stored versions; the earlier ones stay until migrated away. */
  private static void storedVersions(ObjectNode status, JsonNode spec) {
    List<String> stored = texts(status.path("storedVersions"));
    String storage = CrdRules.storageVersion(spec);
    if (storage != null && !stored.contains(storage)) {
      stored.add(storage);
    }
    if (!stored.isEmpty()) {
      setList(status, "storedVersions", stored);
    }
  }

  private static String inUse(String name) {
    return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\" is already in use";
  }

  private static void addText(Set<String> into, JsonNode value) {
    if (!value.asText("").isEmpty()) {
      into.add(value.asText());
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText("")));
    return values;
  }

  private static void setList(ObjectNode into, String field, List<String> values) {
    if (values.isEmpty()) {
      into.remove(field);
      return;
    }
    ArrayNode array = into.putArray(field);
    values.forEach(array::add);
  }

  /** One condition as the controllers set it, before its transition time is decided. */
  private record Condition(String type, String status, String reason, String message) {

    /**
     * Kubernetes' {@code SetCRDCondition}: replace the condition of this type, keeping its
     * {@code lastTransitionTime} while its status stays the same, or append it.
     */
    void setIn(ArrayNode conditions, Instant now) {
      String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
      for (JsonNode existing : conditions) {
        if (existing.path("type").asText().equals(type)) {
          ObjectNode condition = (ObjectNode) existing;
          if (!existing.path("status").asText().equals(status)
              || existing.path("lastTransitionTime").asText("").isEmpty()) {
            condition.put("status", status).put("lastTransitionTime", time);
          }
          condition.put("reason", reason).put("message", message);
          return;
        }
      }
      conditions.addObject().put("type", type).put("status", status)
          .put("lastTransitionTime", time).put("reason", reason).put("message", message);
    }
  }
}
