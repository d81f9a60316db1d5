package io.dirigent.core.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.NameRules.NameRule;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One served resource: how it is named on the wire and in the store, and what the store must know
 * about its semantics. Adding a kind to Dirigent is registering one of these.
 *
 * @param group API group, "" for the core group
 * @param version API version within the group
 * @param kind the object kind, e.g. {@code Deployment}
 * @param plural the resource name in URLs, e.g. {@code deployments}
 * @param singular singular name, e.g. {@code deployment}
 * @param shortNames kubectl short names, e.g. {@code deploy}
 * @param namespaced whether objects live in a namespace
 * @param hasStatus whether {@code status} is a subresource (updates ignore it; status updates
 *     touch only it)
 * @param hasScale whether the {@code scale} subresource is served
 * @param nameRule which Kubernetes name rule object names must follow
 * @param javaType the fabric8 model class
 * @param fieldSelectors field selector paths beyond metadata.name/metadata.namespace, mapped to
 *     the JSON path they read
 * @param initialStatus the status a new object starts with, replacing what the client sent; null
 *     keeps the client's (nodes report their own)
 * @param gracefulDeletion whether deleting a running object first marks it for deletion for its
 *     grace period (pods), so its node can stop it
 * @param custom what its CustomResourceDefinition says beyond the above; null for built-in kinds
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    List<String> shortNames,
    boolean namespaced,
    boolean hasStatus,
    boolean hasScale,
    NameRule nameRule,
    Class<? extends HasMetadata> javaType,
    Map<String, String> fieldSelectors,
    ObjectNode initialStatus,
    boolean gracefulDeletion,
    CustomResource custom) {

  /** A built-in kind. */
  public ResourceType(String group, String version, String kind, String plural, String singular, List<String> shortNames, boolean namespaced,
      boolean hasStatus, boolean hasScale, NameRule nameRule, Class<? extends HasMetadata> javaType, Map<String, String> fieldSelectors,
      ObjectNode initialStatus, boolean gracefulDeletion) {
    this(group, version, kind, plural, singular, shortNames, namespaced, hasStatus, hasScale, nameRule, javaType, fieldSelectors, initialStatus,
        gracefulDeletion, null);
  }

  public ResourceType {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(plural, "plural");
    Objects.requireNonNull(nameRule, "nameRule");
    Objects.requireNonNull(javaType, "javaType");
    if (plural.isEmpty() || !plural.equals(plural.toLowerCase())) {
      throw new IllegalArgumentException("plural must be lower case and non-empty: " + plural);
    }
    singular = singular == null ? kind.toLowerCase() : singular;
    shortNames = List.copyOf(shortNames);
    fieldSelectors = Map.copyOf(fieldSelectors);
    initialStatus = initialStatus == null ? null : initialStatus.deepCopy();
  }

  /** A copy of the status new objects start with, or null to keep the client's. */
  @Override
  public ObjectNode initialStatus() {
    return initialStatus == null ? null : initialStatus.deepCopy();
  }

  /** The group-qualified resource, e.g. {@code deployments.apps} or {@code pods}: the store's key. */
  public String resource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** Whether a CustomResourceDefinition defines it. */
  public boolean isCustom() {
    return custom != null;
  }

  /**
   * This resource as served at {@code version}, or empty when it is not: a custom resource is
   * served at each of its definition's served versions, a built-in kind at its one.
   */
  public java.util.Optional<ResourceType> servedAt(String version) {
    if (this.version.equals(version)) {
      return java.util.Optional.of(this);
    }
    if (custom == null || custom.version(version).isEmpty()) {
      return java.util.Optional.empty();
    }
    CustomResource.Version served = custom.version(version).get();
    return java.util.Optional.of(new ResourceType(group, version, kind, plural, singular, shortNames, namespaced, served.status(), served.scale() != null,
        nameRule, javaType, fieldSelectors, initialStatus, gracefulDeletion, custom));
  }

  /** This resource at every version it is served at, its stored version first. */
  public List<ResourceType> servedVersions() {
    return custom == null ? List.of(this) : custom.versions().stream().map(served -> servedAt(served.name()).orElseThrow()).toList();
  }

  /** {@code apiVersion} as objects carry it: {@code v1} or {@code apps/v1}. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** Field selector paths this resource supports, with the JSON path each one reads. */
  public Map<String, String> supportedFields() {
    var fields = new java.util.HashMap<String, String>(fieldSelectors);
    fields.put("metadata.name", "metadata.name");
    if (namespaced) {
      fields.put("metadata.namespace", "metadata.namespace");
    }
    return Map.copyOf(fields);
  }

  /** The names a user may type for this resource: plural, singular, short names, kind. */
  public Set<String> aliases() {
    var names = new java.util.HashSet<String>(shortNames);
    names.add(plural);
    names.add(singular);
    names.add(kind.toLowerCase());
    return Set.copyOf(names);
  }
}
