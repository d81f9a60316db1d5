package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.Admission;
import io.dirigent.core.store.Store;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Kubernetes' ServiceAccount admission for new pods: the pod runs as {@code default} unless it
 * names an account, and gets the account's token (with the cluster's authority and its namespace)
 * in a projected volume at {@value #MOUNT_PATH} in every container, unless the pod or the account
 * turns {@code automountServiceAccountToken} off or a container mounts something there itself.
 * Unlike Kubernetes, a pod whose account does not exist (yet) is admitted, without a token.
 */
public final class ServiceAccountAdmission implements Admission {

  public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  /** Kubernetes asks this lifetime for the token volume (and extends it, bound to the pod). */
  public static final long TOKEN_EXPIRATION_SECONDS = 3607;
  private static final String DEFAULT = "default";
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Store store;
  /** Whether the API is served over TLS: only then is there an authority (kube-root-ca.crt) to project. */
  private final boolean tls;

  public ServiceAccountAdmission(Store store, boolean tls) {
    this.store = store;
    this.tls = tls;
  }

  @Override
  public CompletionStage<Admitted> create(ObjectNode pod) {
    ObjectNode spec = pod.path("spec").isObject() ? (ObjectNode) pod.get("spec") : pod.putObject("spec");
    String account = spec.path("serviceAccountName").asText("");
    if (account.isEmpty()) {
      account = spec.path("serviceAccount").asText("");
    }
    if (account.isEmpty()) {
      account = DEFAULT;
    }
    spec.put("serviceAccountName", account);
    spec.put("serviceAccount", account);
    if (spec.path("automountServiceAccountToken").isBoolean() && !spec.path("automountServiceAccountToken").asBoolean()
        || mountsTokenPath(spec)) {
      return CompletableFuture.completedFuture(Admitted.of(pod));
    }
    var accounts = store.registry().byResource("serviceaccounts").orElseThrow();
    return store.get(accounts, KubeJson.namespace(pod), account)
        .thenApply(Optional::of)
        .exceptionally(failure -> Optional.empty())
        .thenApply(found -> {
          // The pod's say wins over its account's.
          JsonNode podSays = spec.path("automountServiceAccountToken");
          JsonNode accountSays = found.map(sa -> sa.path("automountServiceAccountToken")).orElse(null);
          boolean automount = found.isPresent()
              && (podSays.isBoolean() ? podSays.asBoolean() : !(accountSays.isBoolean() && !accountSays.asBoolean()));
          if (automount) {
            mountToken(spec);
          }
          return Admitted.of(pod);
        });
  }

  @Override
  public CompletionStage<Admitted> update(ObjectNode current, ObjectNode object) {
    return CompletableFuture.completedFuture(Admitted.of(object));
  }

  @Override
  public void deleted(ObjectNode object) {
    // Nothing was reserved.
  }

  private static boolean mountsTokenPath(JsonNode spec) {
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode container : spec.path(list)) {
        for (JsonNode mount : container.path("volumeMounts")) {
          if (MOUNT_PATH.equals(mount.path("mountPath").asText().replaceAll("/+$", ""))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The kube-api-access volume Kubernetes adds, mounted read-only in every container. */
  private void mountToken(ObjectNode spec) {
    String name = "kube-api-access-" + suffix();
    ObjectNode projected = (spec.path("volumes").isArray() ? (ArrayNode) spec.get("volumes") : spec.putArray("volumes"))
        .addObject().put("name", name).putObject("projected").put("defaultMode", 420);
    ArrayNode sources = projected.putArray("sources");
    sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", TOKEN_EXPIRATION_SECONDS).put("path", "token");
    if (tls) {
      ObjectNode ca = sources.addObject().putObject("configMap").put("name", "kube-root-ca.crt");
      ca.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
    }
    ObjectNode namespace = sources.addObject().putObject("downwardAPI").putArray("items").addObject().put("path", "namespace");
    namespace.putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode container : spec.path(list)) {
        ObjectNode object = (ObjectNode) container;
        ArrayNode mounts = object.path("volumeMounts").isArray() ? (ArrayNode) object.get("volumeMounts") : object.putArray("volumeMounts");
        mounts.addObject().put("name", name).put("readOnly", true).put("mountPath", MOUNT_PATH);
      }
    }
  }

  private static String suffix() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return suffix.toString();
  }
}
