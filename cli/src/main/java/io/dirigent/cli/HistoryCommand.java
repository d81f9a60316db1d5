package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.core.api.ResourceType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dirigent history TYPE NAME}: every version the object had, with what changed from the
 * one before.
 */
@Command(name = "history", description = "Show every version of an object and what changed between them.")
final class HistoryCommand implements Callable<Integer> {

  /** Fields every write changes; saying so on every line would hide what matters. */
  private static final Set<String> BOOKKEEPING = Set.of("metadata.resourceVersion", "metadata.generation", "metadata.managedFields");

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Mixin ObjectArguments target;

  @Override
  public Integer call() {
    ResourceType type = target.type();
    JsonNode history = options.client().get(ApiClient.path(type, options.namespace(), target.name) + "/history");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("VERSION", "TIME", "OPERATION", "CHANGES"));
    JsonNode previous = null;
    for (JsonNode entry : history.path("items")) {
      JsonNode object = entry.path("object");
      String changes = switch (entry.path("operation").asText()) {
        case "CREATE" -> previous == null ? "created" : "created again";
        case "DELETE" -> "deleted";
        default -> describe(changes(previous, object, type.kind().equals("Secret")));
      };
      rows.add(List.of(entry.path("resourceVersion").asText(), entry.path("time").asText(), entry.path("operation").asText(), changes));
      previous = object;
    }
    PrintWriter out = spec.commandLine().getOut();
    Tables.print(out, rows);
    return 0;
  }

  private static String describe(Map<String, String> changes) {
    if (changes.isEmpty()) {
      return "(no change)";
    }
    List<String> parts = new ArrayList<>();
    changes.forEach((path, change) -> parts.add(path + ": " + change));
    return String.join("; ", parts);
  }

  /**
   * The changed leaf paths between two versions, each with {@code old → new}; for a Secret
   * ({@code secret}), whose history the server gives without values, a key of {@code data} is only
   * said to be added, changed or removed.
   */
  static Map<String, String> changes(JsonNode before, JsonNode after, boolean secret) {
    Map<String, String> changes = new java.util.LinkedHashMap<>();
    diff("", before, after, changes);
    BOOKKEEPING.forEach(changes::remove);
    if (secret) {
      // The server marks each key of a Secret's past versions added, changed or unchanged, never its value.
      changes.keySet().removeIf(path -> path.startsWith("data.") || path.startsWith("stringData."));
      JsonNode data = after == null ? null : after.path("data");
      if (data != null) {
        data.fields().forEachRemaining(field -> {
          String mark = field.getValue().asText();
          if (mark.equals("added") || mark.equals("changed")) {
            changes.put("data." + field.getKey(), mark);
          }
        });
      }
      if (before != null) {
        before.path("data").fieldNames().forEachRemaining(key -> {
          if (data == null || !data.has(key)) {
            changes.put("data." + key, "removed");
          }
        });
      }
    }
    return changes;
  }

  private static void diff(String path, JsonNode before, JsonNode after, Map<String, String> changes) {
    boolean beforeObject = before != null && before.isObject();
    boolean afterObject = after != null && after.isObject();
    if (beforeObject && afterObject) {
      Set<String> fields = new TreeSet<>();
      before.fieldNames().forEachRemaining(fields::add);
      after.fieldNames().forEachRemaining(fields::add);
      for (String field : fields) {
        String child = path.isEmpty() ? field : path + "." + field;
        if (BOOKKEEPING.contains(child)) {
          continue;
        }
        diff(child, before.get(field), after.get(field), changes);
      }
      return;
    }
    if (before == null ? after == null : before.equals(after)) {
      return;
    }
    changes.put(path, show(before) + " → " + show(after));
  }

  private static String show(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "(none)";
    }
    String text = value.isTextual() ? value.asText() : value.toString();
    return text.length() > 40 ? text.substring(0, 37) + "..." : text;
  }
}
