package io.dirigent.core.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubernetes' rules for an object's labels and annotations ({@code ValidateLabels} and {@code
 * ValidateAnnotations}). Every error carries the field path of the whole map, e.g. {@code
 * metadata.labels}, and the offending key or value as its bad value, one error per problem.
 * Keys are checked in sorted order so the same object always reports the same list.
 */
public final class MetadataRules {

  /** The most bytes all of an object's annotation keys and values may take together. */
  public static final int TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

  private MetadataRules() {}

  /**
   * Checks that every key is a qualified name and every value a label value.
   *
   * @param labels the labels; null is none
   * @param fieldPath where they sit in the object, e.g. {@code metadata.labels} or {@code
   *     spec.template.metadata.labels}
   */
  public static List<FieldError> labels(Map<String, String> labels, String fieldPath) {
    List<FieldError> errors = new ArrayList<>();
    sorted(labels).forEach((key, value) -> {
      for (String problem : NameRules.qualifiedName(key)) {
        errors.add(FieldError.invalid(fieldPath, key, problem));
      }
      for (String problem : NameRules.labelValue(value)) {
        errors.add(FieldError.invalid(fieldPath, value, problem));
      }
    });
    return List.copyOf(errors);
  }

  /**
   * Checks that every key is a qualified name, ignoring case, and that keys and values together
   * take at most {@link #TOTAL_ANNOTATION_SIZE_LIMIT_BYTES} bytes.
   *
   * @param annotations the annotations; null is none
   * @param fieldPath where they sit in the object, e.g. {@code metadata.annotations}
   */
  public static List<FieldError> annotations(Map<String, String> annotations, String fieldPath) {
    List<FieldError> errors = new ArrayList<>();
    long totalSize = 0;
    for (Map.Entry<String, String> annotation : sorted(annotations).entrySet()) {
      String key = annotation.getKey();
      // Annotation keys follow the qualified name rule except that case does not matter.
      for (String problem : NameRules.qualifiedName(key.toLowerCase(Locale.ROOT))) {
        errors.add(FieldError.invalid(fieldPath, key, problem));
      }
      totalSize += NameRules.byteLength(key) + NameRules.byteLength(annotation.getValue());
    }
    if (totalSize > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
      errors.add(FieldError.tooLong(fieldPath, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
    }
    return List.copyOf(errors);
  }

  /** The entries in key order, a missing value read as "" as Go reads a JSON null. */
  private static Map<String, String> sorted(Map<String, String> entries) {
    Map<String, String> sorted = new TreeMap<>();
    if (entries != null) {
      entries.forEach((key, value) -> sorted.put(key, value == null ? "" : value));
    }
    return sorted;
  }
}
