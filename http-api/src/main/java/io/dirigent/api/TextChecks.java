package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Checks on the text of a request's tree that its parser does not make. */
final class TextChecks {

  private TextChecks() {}

  /**
   * Where the first string or key with an unpaired UTF-16 surrogate is ({@code "\ud800"} decodes in
   * JSON, but is not Unicode: no UTF-8 encoder, and so no store, takes it); null when there is none.
   */
  static String firstUnpairedSurrogate(JsonNode tree) {
    return find(tree, "the body");
  }

  private static String find(JsonNode node, String where) {
    if (node.isTextual()) {
      return unpaired(node.textValue()) ? where : null;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = find(node.get(i), where + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (unpaired(field.getKey())) {
          return "a key in " + where;
        }
        String found = find(field.getValue(), where.equals("the body") ? field.getKey() : where + "." + field.getKey());
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  static boolean unpaired(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
