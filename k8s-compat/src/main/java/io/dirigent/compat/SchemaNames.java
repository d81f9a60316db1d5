package io.dirigent.compat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.Set;

/**
 * The name Kubernetes gives a model type's schema in its OpenAPI documents, derived from the
 * fabric8 class that stands for it: {@code io.fabric8.kubernetes.api.model.apps.Deployment} is
 * {@code io.k8s.api.apps.v1.Deployment}, {@code ...model.ObjectMeta} is
 * {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}. fabric8 keeps Kubernetes' type names
 * but not its Go packages: the core model package holds both core/v1 and meta/v1 types, and the
 * packages of groups with one version (apps, rbac, storage) carry no version.
 */
final class SchemaNames {

  private static final String FABRIC8 = "io.fabric8.kubernetes.api.model";
  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1";

  /** The types of fabric8's core package that are apimachinery's meta/v1 types in Kubernetes. */
  private static final Set<String> META_TYPES = Set.of("ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement", "OwnerReference",
      "ManagedFieldsEntry", "FieldsV1", "Condition", "Time", "MicroTime", "Duration", "Status", "StatusCause", "StatusDetails", "DeleteOptions",
      "Preconditions", "ListOptions", "GetOptions", "PatchOptions", "CreateOptions", "APIGroup", "APIResource", "APIVersions",
      "GroupVersionForDiscovery", "ServerAddressByClientCIDR", "RootPaths", "Table", "TableColumnDefinition", "TableRow",
      "PartialObjectMetadata", "FieldSelectorRequirement", "GroupVersionKind", "GroupKind", "GroupResource", "GroupVersionResource");

  /** fabric8 packages below the model package whose Kubernetes package is not {@code io.k8s.api.<package>}. */
  private static final Map<String, String> PACKAGES = Map.of(
      "apps", "io.k8s.api.apps.v1",
      "rbac", "io.k8s.api.rbac.v1",
      "storage", "io.k8s.api.storage.v1",
      "apiextensions.v1", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1");

  /** Dirigent's own model types, written where fabric8 has none, with the Kubernetes package they stand for. */
  private static final Map<String, String> OWN_PACKAGES = Map.of(
      "io.dirigent.core.api.model", "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1");

  /** Names of the types that are no package's own in fabric8. */
  private static final Map<Class<?>, String> SPECIAL = Map.of(
      IntOrString.class, "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
      Quantity.class, "io.k8s.apimachinery.pkg.api.resource.Quantity");

  /** Kubernetes' name for the type meta/v1 Time, which fabric8 reads as a string. */
  static final String TIME = META + ".Time";

  /** Kubernetes' name for meta/v1 MicroTime. */
  static final String MICRO_TIME = META + ".MicroTime";

  private SchemaNames() {}

  /** The schema name of a model class; a class of a package not mapped keeps its Java name, which collides with none. */
  static String of(Class<?> type) {
    String special = SPECIAL.get(type);
    if (special != null) {
      return special;
    }
    String packageName = type.getPackageName();
    String simple = simpleName(type);
    if (packageName.equals(FABRIC8)) {
      return (META_TYPES.contains(simple) ? META : "io.k8s.api.core.v1") + "." + simple;
    }
    if (packageName.startsWith(FABRIC8 + ".")) {
      String below = packageName.substring(FABRIC8.length() + 1);
      return PACKAGES.getOrDefault(below, "io.k8s.api." + below) + "." + simple;
    }
    String own = OWN_PACKAGES.get(packageName);
    return own != null ? own + "." + simple : type.getName();
  }

  /**
   * A nested class's name as Kubernetes names the type: {@code APIService.Spec} is
   * {@code APIServiceSpec}, as a spec and a status are their kind's; other nested types keep their own name.
   */
  private static String simpleName(Class<?> type) {
    Class<?> outer = type.getEnclosingClass();
    if (outer == null) {
      return type.getSimpleName();
    }
    String name = type.getSimpleName();
    return name.equals("Spec") || name.equals("Status") ? simpleName(outer) + name : name;
  }
}
