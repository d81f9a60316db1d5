package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.List;

/** STUB replaced at merge. */
public final class CrdRules {
  private CrdRules() {}

  public static List<FieldError> validate(ObjectNode crd, ObjectNode old) {
    List<FieldError> errors = new ArrayList<>();
    String expected = crd.path("spec").path("names").path("plural").asText("") + "." + crd.path("spec").path("group").asText("");
    if (!crd.path("metadata").path("name").asText("").equals(expected)) {
      errors.add(FieldError.invalid("metadata.name", crd.path("metadata").path("name").asText(""), "must be spec.names.plural+\".\"+spec.group"));
    }
    return errors;
  }
}
