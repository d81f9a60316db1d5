package io.dirigent.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.CborSerializable;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.selector.FieldPaths;
import io.dirigent.core.selector.FieldSelector;
import io.dirigent.core.selector.LabelSelector;
import io.dirigent.core.selector.SelectorException;
import io.dirigent.core.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which objects a list or watch wants: a namespace (or all), a label selector and a field
 * selector, all in their Kubernetes string forms so they cross the cluster as text.
 *
 * @param namespace null or "" for all namespaces
 * @param labelSelector Kubernetes label selector syntax; "" matches everything
 * @param fieldSelector Kubernetes field selector syntax; "" matches everything
 */
public record ObjectFilter(String namespace, String labelSelector, String fieldSelector)
    implements CborSerializable {

  public static final ObjectFilter ALL = new ObjectFilter(null, "", "");

  public ObjectFilter {
    namespace = namespace == null ? "" : namespace;
    labelSelector = labelSelector == null ? "" : labelSelector;
    fieldSelector = fieldSelector == null ? "" : fieldSelector;
  }

  public static ObjectFilter inNamespace(String namespace) {
    return new ObjectFilter(namespace, "", "");
  }

  public ObjectFilter withLabels(String selector) {
    return new ObjectFilter(namespace, selector, fieldSelector);
  }

  public ObjectFilter withFields(String selector) {
    return new ObjectFilter(namespace, labelSelector, selector);
  }

  /**
   * Parses the selectors against what {@code type} supports; a bad selector or an unsupported
   * field is a {@link StoreError.Reason#BAD_REQUEST} naming what was wrong.
   */
  public Compiled compile(ResourceType type) {
    LabelSelector labels;
    FieldSelector fields;
    try {
      labels = LabelSelector.parse(labelSelector);
    } catch (SelectorException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "unable to parse labelSelector: " + e.getMessage()).toException();
    }
    try {
      fields = FieldSelector.parse(fieldSelector);
    } catch (SelectorException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "unable to parse fieldSelector: " + e.getMessage()).toException();
    }
    Map<String, String> supported = type.supportedFields();
    List<FieldError> unsupported = new ArrayList<>();
    for (String field : fields.fields()) {
      if (!supported.containsKey(field)) {
        unsupported.add(FieldError.notSupported("fieldSelector", field, supported.keySet().stream().sorted().toList()));
      }
    }
    if (!unsupported.isEmpty()) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST,
          "field label not supported: %s (%s supports %s)".formatted(
              unsupported.get(0).badValue(), type.resource(), String.join(", ", supported.keySet().stream().sorted().toList())))
          .toException();
    }
    return new Compiled(namespace, labels, fields, supported);
  }

  /** A parsed filter, ready to test objects. */
  public record Compiled(String namespace, LabelSelector labels, FieldSelector fields, Map<String, String> paths) {

    /** Whether a label or field selector narrows the objects (the namespace aside). */
    public boolean selects() {
      return !labels.isEverything() || !fields.requirements().isEmpty();
    }

    public boolean matches(JsonNode object) {
      if (!namespace.isEmpty() && !namespace.equals(KubeJson.namespace(object))) {
        return false;
      }
      // A watch tests every change against its filter; most select no labels at all.
      return (labels.isEverything() || labels.matches(KubeJson.stringMap(object, "labels")))
          && fields.matches(field -> FieldPaths.extract(object, paths.get(field)));
    }
  }
}
