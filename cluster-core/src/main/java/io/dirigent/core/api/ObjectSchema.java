package io.dirigent.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.FieldError;
import java.util.List;

/**
 * The schema a custom resource's version checks its objects against, as its definition's
 * {@code openAPIV3Schema} does in Kubernetes: what an object written at that version is pruned
 * to, defaulted with and validated by ({@code io.dirigent.core.crd.schema.StructuralSchema}).
 */
public interface ObjectSchema {

  /** Removes, in place, the fields the schema does not declare; their paths, e.g. {@code spec.foo}. */
  List<String> prune(ObjectNode object);

  /** Applies the schema's defaults in place. */
  void applyDefaults(ObjectNode object);

  /** Every problem with the object, its path relative to the object. */
  List<FieldError> validate(JsonNode object);
}
