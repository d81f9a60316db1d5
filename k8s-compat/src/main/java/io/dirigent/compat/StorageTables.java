package io.dirigent.compat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.compat.Tables.Column;
import io.dirigent.core.api.Storage;
import java.util.ArrayList;
import java.util.List;

/**
 * kubectl's tables of PersistentVolumes, claims and StorageClasses, as Kubernetes' printers make
 * them: access modes abbreviated (RWO, ROX, RWX, RWOP), a volume's claim as namespace/name, the
 * default StorageClass marked {@code (default)}.
 */
final class StorageTables {

  private static final Column NAME = new Column("Name", "string", "name", 0);
  private static final Column AGE = Column.of("Age");
  private static final String UNSET = "<unset>";

  private StorageTables() {}

  static List<Column> columns(String resource) {
    return switch (resource) {
      case "persistentvolumes" -> List.of(NAME, Column.of("Capacity"), Column.of("Access Modes"), Column.of("Reclaim Policy"), Column.of("Status"),
          Column.of("Claim"), Column.of("StorageClass"), Column.of("VolumeAttributesClass"), Column.of("Reason"), AGE, Column.wide("VolumeMode"));
      case "persistentvolumeclaims" -> List.of(NAME, Column.of("Status"), Column.of("Volume"), Column.of("Capacity"), Column.of("Access Modes"),
          Column.of("StorageClass"), Column.of("VolumeAttributesClass"), AGE, Column.wide("VolumeMode"));
      case "storageclasses.storage.k8s.io" -> List.of(NAME, Column.of("Provisioner"), Column.of("ReclaimPolicy"), Column.of("VolumeBindingMode"),
          Column.of("AllowVolumeExpansion"), AGE);
      default -> throw new IllegalArgumentException("not a storage resource: " + resource);
    };
  }

  static List<Object> cells(String resource, JsonNode object, String age) {
    JsonNode metadata = object.path("metadata");
    JsonNode spec = object.path("spec");
    JsonNode status = object.path("status");
    String name = metadata.path("name").asText();
    return switch (resource) {
      case "persistentvolumes" -> List.of(name, spec.path("capacity").path("storage").asText(""), accessModes(spec.path("accessModes")),
          spec.path("persistentVolumeReclaimPolicy").asText(""), status.path("phase").asText(""), claim(spec.path("claimRef")),
          spec.path("storageClassName").asText(""), spec.path("volumeAttributesClassName").asText(UNSET), status.path("reason").asText(""), age,
          spec.path("volumeMode").asText("Filesystem"));
      case "persistentvolumeclaims" -> {
        boolean bound = Storage.BOUND.equals(status.path("phase").asText());
        yield List.of(name, status.path("phase").asText(""), spec.path("volumeName").asText(""),
            bound ? status.path("capacity").path("storage").asText("") : "", bound ? accessModes(status.path("accessModes")) : "",
            spec.path("storageClassName").asText(""), spec.path("volumeAttributesClassName").asText(UNSET), age,
            spec.path("volumeMode").asText("Filesystem"));
      }
      case "storageclasses.storage.k8s.io" -> List.of(
          "true".equals(metadata.path("annotations").path(Storage.IS_DEFAULT_CLASS).asText()) ? name + " (default)" : name,
          object.path("provisioner").asText(""), object.path("reclaimPolicy").asText(Storage.DELETE),
          object.path("volumeBindingMode").asText(Storage.IMMEDIATE), Boolean.toString(object.path("allowVolumeExpansion").asBoolean(false)), age);
      default -> throw new IllegalArgumentException("not a storage resource: " + resource);
    };
  }

  /** kubectl's abbreviations, in its order. */
  static String accessModes(JsonNode modes) {
    List<String> present = new ArrayList<>();
    modes.forEach(mode -> present.add(mode.asText()));
    List<String> shown = new ArrayList<>();
    String[][] abbreviations = {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}};
    for (String[] abbreviation : abbreviations) {
      if (present.contains(abbreviation[0])) {
        shown.add(abbreviation[1]);
      }
    }
    return String.join(",", shown);
  }

  private static String claim(JsonNode claimRef) {
    return claimRef.isObject() ? claimRef.path("namespace").asText("") + "/" + claimRef.path("name").asText("") : "";
  }
}
