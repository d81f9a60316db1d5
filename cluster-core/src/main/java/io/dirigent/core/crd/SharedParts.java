package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Which of a CRD's per-version parts are the same in every version, as Kubernetes' conversion to
 * its internal form decides: such a part moves to the top of the spec and is validated there,
 * once. A part absent from every version counts as shared too (there is nothing per version).
 *
 * @param schema the shared {@code schema}, or a missing node when not shared or absent
 * @param subresources the shared {@code subresources}, or a missing node
 * @param columns the shared {@code additionalPrinterColumns}, or a missing node
 */
record SharedParts(
    boolean schemaShared, JsonNode schema,
    boolean subresourcesShared, JsonNode subresources,
    boolean columnsShared, JsonNode columns) {

  static SharedParts of(JsonNode versions) {
    if (versions.isEmpty()) {
      JsonNode none = MissingNode.getInstance();
      return new SharedParts(true, none, true, none, true, none);
    }
    JsonNode first = versions.get(0);
    boolean schema = true;
    boolean subresources = true;
    boolean columns = true;
    for (JsonNode version : versions) {
      schema &= part(version, "schema").equals(part(first, "schema"));
      subresources &= part(version, "subresources").equals(part(first, "subresources"));
      columns &= columns(version).equals(columns(first));
    }
    return new SharedParts(
        schema, schema ? part(first, "schema") : MissingNode.getInstance(),
        subresources, subresources ? part(first, "subresources") : MissingNode.getInstance(),
        columns, columns ? columns(first) : MissingNode.getInstance());
  }

  /** The part, with null read as absent, as Go decodes a null pointer. */
  private static JsonNode part(JsonNode version, String field) {
    JsonNode value = version.path(field);
    return value.isNull() ? MissingNode.getInstance() : value;
  }

  /** The columns, with an empty list read as absent: Kubernetes compares them so. */
  private static JsonNode columns(JsonNode version) {
    JsonNode value = part(version, "additionalPrinterColumns");
    return value.isArray() && value.isEmpty() ? MissingNode.getInstance() : value;
  }
}
