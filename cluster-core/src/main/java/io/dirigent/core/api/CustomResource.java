package io.dirigent.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a CustomResourceDefinition adds to a served resource beyond the names every resource has:
 * its versions with their schemas and printer columns, and where its scale subresource reads and
 * writes. Built from an established definition by {@code io.dirigent.core.crd.CustomResources};
 * immutable (the JSON it holds is frozen).
 *
 * @param definition the name of the CustomResourceDefinition, {@code PLURAL.GROUP}
 * @param uid the definition's uid: a definition deleted and made again is another resource
 * @param definitionVersion the resourceVersion of the definition it was made from
 * @param versions the served versions, storage version first
 * @param categories the categories it is listed in ({@code kubectl get all} reads {@code all})
 * @param listKind the kind of its lists
 * @param terminating whether the definition is being deleted: its objects are, and no new one is made
 */
public record CustomResource(String definition, String uid, String definitionVersion, List<Version> versions, List<String> categories, String listKind,
    boolean terminating) {

  public CustomResource {
    Objects.requireNonNull(definition, "definition");
    versions = List.copyOf(versions);
    categories = List.copyOf(categories);
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("a custom resource is served in at least one version");
    }
  }

  /**
   * One served version.
   *
   * @param name e.g. {@code v1beta1}
   * @param schema its {@code openAPIV3Schema} (frozen), or null when it has none
   * @param checks what its objects are pruned to, defaulted with and validated by; null when it has no schema
   * @param printerColumns its {@code additionalPrinterColumns} (frozen array), empty when none
   * @param status whether the status subresource is served
   * @param scale the scale subresource's paths, or null when it is not served
   */
  public record Version(String name, JsonNode schema, ObjectSchema checks, JsonNode printerColumns, boolean status, Scale scale) {}

  /** Where the scale subresource reads and writes, as JSON paths such as {@code .spec.replicas}. */
  public record Scale(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {}

  /** The version objects are stored in. */
  public Version storage() {
    return versions.get(0);
  }

  public Optional<Version> version(String name) {
    return versions.stream().filter(version -> version.name().equals(name)).findFirst();
  }
}
