package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * Whether a pod refers to a Secret, ConfigMap, PersistentVolumeClaim or ServiceAccount — the
 * edges of Kubernetes' node authorizer graph: what a node may read because a pod bound to it
 * needs it (volumes, projected sources, environment, image pull secrets, its account).
 */
public final class PodReferences {

  private PodReferences() {}

  /** Does {@code pod} refer to the object {@code name} of {@code resource} (in its own namespace)? */
  public static boolean refersTo(JsonNode pod, String resource, String name) {
    JsonNode spec = pod.path("spec");
    return switch (resource) {
      case "secrets" -> anyVolume(spec, volume -> name.equals(volume.path("secret").path("secretName").asText(null))
              || anyProjected(volume, source -> name.equals(source.path("secret").path("name").asText(null))))
          || anyContainer(spec, container -> anyEnv(container, "secretKeyRef", "secretRef", name))
          || any(spec.path("imagePullSecrets"), secret -> name.equals(secret.path("name").asText(null)));
      case "configmaps" -> anyVolume(spec, volume -> name.equals(volume.path("configMap").path("name").asText(null))
              || anyProjected(volume, source -> name.equals(source.path("configMap").path("name").asText(null))))
          || anyContainer(spec, container -> anyEnv(container, "configMapKeyRef", "configMapRef", name));
      case "persistentvolumeclaims" -> anyVolume(spec, volume -> name.equals(volume.path("persistentVolumeClaim").path("claimName").asText(null)));
      case "serviceaccounts" -> name.equals(spec.path("serviceAccountName").asText("default"));
      default -> false;
    };
  }

  private static boolean anyVolume(JsonNode spec, Predicate<JsonNode> test) {
    return any(spec.path("volumes"), test);
  }

  private static boolean anyProjected(JsonNode volume, Predicate<JsonNode> test) {
    return any(volume.path("projected").path("sources"), test);
  }

  private static boolean anyContainer(JsonNode spec, Predicate<JsonNode> test) {
    return any(spec.path("containers"), test) || any(spec.path("initContainers"), test) || any(spec.path("ephemeralContainers"), test);
  }

  /** An {@code env[].valueFrom.KEYREF.name} or {@code envFrom[].REF.name} naming {@code name}. */
  private static boolean anyEnv(JsonNode container, String keyRef, String ref, String name) {
    return any(container.path("env"), env -> name.equals(env.path("valueFrom").path(keyRef).path("name").asText(null)))
        || any(container.path("envFrom"), source -> name.equals(source.path(ref).path("name").asText(null)));
  }

  private static boolean any(JsonNode array, Predicate<JsonNode> test) {
    if (!array.isArray()) {
      return false;
    }
    for (JsonNode item : array) {
      if (test.test(item)) {
        return true;
      }
    }
    return false;
  }
}
