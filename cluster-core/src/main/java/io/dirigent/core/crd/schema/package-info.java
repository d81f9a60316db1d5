/**
 * Structural OpenAPI v3 schemas of custom resources, as Kubernetes' apiextensions-apiserver applies
 * them (k8s.io/apiextensions-apiserver/pkg/apiserver/schema and kube-openapi's validator).
 *
 * <p>When a CustomResourceDefinition is written, {@link io.dirigent.core.crd.schema.SchemaCheck#structuralErrors}
 * says whether each version's {@code schema.openAPIV3Schema} is acceptable. When a custom object is
 * written, the API server does what Kubernetes does, in this order, with the version's {@link
 * io.dirigent.core.crd.schema.StructuralSchema}: {@code prune} (the removed paths become {@code unknown
 * field "spec.foo"} warnings, or a refusal under fieldValidation=Strict), {@code applyDefaults},
 * then {@code validate}.
 *
 * <p>Known differences from Kubernetes, each small:
 *
 * <ul>
 *   <li>Non-string bad values are quoted ({@code Invalid value: "20"}; Kubernetes prints {@code 20}),
 *       as everywhere in Dirigent's {@code FieldError}.
 *   <li>{@code maxItems} and {@code maxProperties} failures are {@code Invalid value} with
 *       kube-openapi's sentence; Kubernetes reports {@code Too many: 3: must have at most 2 items},
 *       a type FieldError does not have.
 *   <li>allOf/anyOf/oneOf/not failures carry the value's path; Kubernetes reports them at {@code
 *       <nil>}.
 *   <li>Patterns run on Java's engine with a step budget instead of RE2; look-around and
 *       back-references, which RE2 lacks, are refused when the CRD is written.
 *   <li>{@code x-kubernetes-validations} (CEL) are neither compiled nor run, and the metadata of
 *       embedded resources (and defaults inside metadata) is not validated beyond apiVersion/kind.
 *   <li>The {@code email} and {@code uri} formats approximate Go's parsers.
 * </ul>
 */
package io.dirigent.core.crd.schema;
