package io.dirigent.node;

import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.Store;
import io.dirigent.node.runtime.ContainerSpec;
import io.dirigent.node.runtime.RuntimeContainer.ContainerLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a pod's container into what the runtime creates: its environment (values, ConfigMap and
 * Secret keys, the pod's own fields), its volumes on the host ({@link PodVolumes}) bound in, and
 * its resource limits. A reference that cannot be resolved fails with a
 * {@link ConfigError}, shown as {@code CreateContainerConfigError}.
 */
final class ContainerSpecs {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

  private final Store store;
  private final Path podsDir;
  private final Path volumesDir;
  private final Executor files;
  /** Where the pods' ServiceAccount tokens come from; null where no volumes are made. */
  private final PodTokens tokens;

  /** A container that cannot be configured as its spec says. */
  static final class ConfigError extends RuntimeException {
    ConfigError(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param podsDir where pod volumes go; null: no volumes are made (the simulated runtime)
   * @param volumesDir where the node's local PersistentVolumes are; null: none are
   * @param files runs the blocking file work
   */
  ContainerSpecs(Store store, Path podsDir, Path volumesDir, Executor files, PodTokens tokens) {
    this.store = store;
    this.podsDir = podsDir;
    this.volumesDir = volumesDir;
    this.files = files;
    this.tokens = tokens;
  }

  /** @param imageUser the user the image runs as, for the runAsNonRoot check */
  CompletionStage<ContainerSpec> build(Pod pod, Container container, String imageUser, ContainerLabels labels, String sandboxId,
      String podIp, String hostIp) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, ConfigMap> configMaps = new LinkedHashMap<>();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    List<CompletableFuture<?>> lookups = new ArrayList<>();
    for (String name : referencedConfigMaps(pod, container)) {
      lookups.add(lookup(store.get(ConfigMap.class, namespace, name)).thenAccept(found -> {
        synchronized (configMaps) {
          configMaps.put(name, found);
        }
      }));
    }
    for (String name : referencedSecrets(pod, container)) {
      lookups.add(lookup(store.get(Secret.class, namespace, name)).thenAccept(found -> {
        synchronized (secrets) {
          secrets.put(name, found);
        }
      }));
    }
    Map<String, String> podTokens = new LinkedHashMap<>();
    if (podsDir != null && tokens != null) {
      for (Volume volume : PodVolumes.mounted(pod, container)) {
        for (var source : volume.getProjected() == null ? List.<io.fabric8.kubernetes.api.model.VolumeProjection>of() : orEmpty(volume.getProjected().getSources())) {
          var token = source.getServiceAccountToken();
          if (token != null) {
            long seconds = token.getExpirationSeconds() == null ? 3600 : token.getExpirationSeconds();
            List<String> audiences = token.getAudience() == null || token.getAudience().isEmpty() ? List.of() : List.of(token.getAudience());
            lookups.add(tokens.token(pod, audiences, seconds).toCompletableFuture().thenAccept(issued -> {
              synchronized (podTokens) {
                podTokens.put(volume.getName() + "/" + token.getPath(), issued);
              }
            }));
          }
        }
      }
    }
    Map<String, String> claims = new LinkedHashMap<>();
    if (podsDir != null) {
      lookups.add(ClaimedVolumes.resolve(store, store.caller().nodeName(), pod, container).toCompletableFuture().thenAccept(claims::putAll));
    }
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApplyAsync(looked -> {
      List<String> env = environment(pod, container, configMaps, secrets, podIp, hostIp);
      List<ContainerSpec.Mount> mounts = podsDir == null ? List.of()
          : PodVolumes.mounts(podsDir.resolve(pod.getMetadata().getUid()).resolve("volumes"), pod, container,
              new PodVolumes.Sources(configMaps, secrets, podTokens, podIp, hostIp, claims, volumesDir));
      var resources = container.getResources();
      Map<String, Quantity> limits = resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
      Map<String, Quantity> requests = resources == null || resources.getRequests() == null ? Map.of() : resources.getRequests();
      return new ContainerSpec(labels, sandboxId, container.getImage(),
          expand(orEmpty(container.getCommand()), env), expand(orEmpty(container.getArgs()), env), env, container.getWorkingDir(), mounts,
          bytes(limits.get("memory")), millis(limits.get("cpu")), millis(requests.getOrDefault("cpu", limits.get("cpu"))),
          pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations(),
          ContainerSecurityContexts.of(pod, container, imageUser),
          new ContainerSpec.Stdio(Boolean.TRUE.equals(container.getStdin()), Boolean.TRUE.equals(container.getStdinOnce()),
              Boolean.TRUE.equals(container.getTty())));
    }, files);
  }

  /** A found object, or null when it does not exist (whether that is fine is decided later). */
  private static <T> CompletableFuture<T> lookup(CompletionStage<T> get) {
    return get.toCompletableFuture().exceptionally(failure -> {
      Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof StoreException e && e.reason() == StoreError.Reason.NOT_FOUND) {
        return null;
      }
      throw new ConfigError("cannot read a configuration object: " + cause.getMessage());
    });
  }

  private static List<String> referencedConfigMaps(Pod pod, Container container) {
    List<String> names = new ArrayList<>();
    for (EnvVar var : orEmpty(container.getEnv())) {
      if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
        names.add(var.getValueFrom().getConfigMapKeyRef().getName());
      }
    }
    for (EnvFromSource from : orEmpty(container.getEnvFrom())) {
      if (from.getConfigMapRef() != null) {
        names.add(from.getConfigMapRef().getName());
      }
    }
    for (Volume volume : orEmpty(pod.getSpec().getVolumes())) {
      if (volume.getConfigMap() != null) {
        names.add(volume.getConfigMap().getName());
      }
      if (volume.getProjected() != null) {
        orEmpty(volume.getProjected().getSources()).stream().filter(source -> source.getConfigMap() != null)
            .forEach(source -> names.add(source.getConfigMap().getName()));
      }
    }
    return names.stream().distinct().toList();
  }

  private static List<String> referencedSecrets(Pod pod, Container container) {
    List<String> names = new ArrayList<>();
    for (EnvVar var : orEmpty(container.getEnv())) {
      if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        names.add(var.getValueFrom().getSecretKeyRef().getName());
      }
    }
    for (EnvFromSource from : orEmpty(container.getEnvFrom())) {
      if (from.getSecretRef() != null) {
        names.add(from.getSecretRef().getName());
      }
    }
    for (Volume volume : orEmpty(pod.getSpec().getVolumes())) {
      if (volume.getSecret() != null) {
        names.add(volume.getSecret().getSecretName());
      }
      if (volume.getProjected() != null) {
        orEmpty(volume.getProjected().getSources()).stream().filter(source -> source.getSecret() != null)
            .forEach(source -> names.add(source.getSecret().getName()));
      }
    }
    return names.stream().distinct().toList();
  }

  // ---- environment ----

  private static List<String> environment(Pod pod, Container container, Map<String, ConfigMap> configMaps, Map<String, Secret> secrets,
      String podIp, String hostIp) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : orEmpty(container.getEnvFrom())) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      if (from.getConfigMapRef() != null) {
        ConfigMap map = configMaps.get(from.getConfigMapRef().getName());
        if (map == null) {
          if (!Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
            throw new ConfigError("configmap \"%s\" not found".formatted(from.getConfigMapRef().getName()));
          }
        } else if (map.getData() != null) {
          map.getData().forEach((key, value) -> env.put(prefix + key, value));
        }
      }
      if (from.getSecretRef() != null) {
        Secret secret = secrets.get(from.getSecretRef().getName());
        if (secret == null) {
          if (!Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
            throw new ConfigError("secret \"%s\" not found".formatted(from.getSecretRef().getName()));
          }
        } else {
          secretData(secret).forEach((key, value) -> env.put(prefix + key, new String(value, StandardCharsets.UTF_8)));
        }
      }
    }
    for (EnvVar var : orEmpty(container.getEnv())) {
      String value = var.getValueFrom() == null ? expand(var.getValue() == null ? "" : var.getValue(), env) : valueFrom(pod, container, var, configMaps, secrets, podIp, hostIp);
      if (value != null) {
        env.put(var.getName(), value);
      }
    }
    List<String> pairs = new ArrayList<>();
    env.forEach((name, value) -> pairs.add(name + "=" + value));
    return pairs;
  }

  /** The value of an env var's source; null when an optional source is missing. */
  private static String valueFrom(Pod pod, Container container, EnvVar var, Map<String, ConfigMap> configMaps, Map<String, Secret> secrets,
      String podIp, String hostIp) {
    EnvVarSource source = var.getValueFrom();
    if (source.getConfigMapKeyRef() != null) {
      var ref = source.getConfigMapKeyRef();
      ConfigMap map = configMaps.get(ref.getName());
      String value = map == null || map.getData() == null ? null : map.getData().get(ref.getKey());
      if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
        throw new ConfigError(map == null ? "configmap \"%s\" not found".formatted(ref.getName())
            : "couldn't find key %s in ConfigMap %s/%s".formatted(ref.getKey(), pod.getMetadata().getNamespace(), ref.getName()));
      }
      return value;
    }
    if (source.getSecretKeyRef() != null) {
      var ref = source.getSecretKeyRef();
      Secret secret = secrets.get(ref.getName());
      byte[] value = secret == null ? null : secretData(secret).get(ref.getKey());
      if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
        throw new ConfigError(secret == null ? "secret \"%s\" not found".formatted(ref.getName())
            : "couldn't find key %s in Secret %s/%s".formatted(ref.getKey(), pod.getMetadata().getNamespace(), ref.getName()));
      }
      return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
    if (source.getFieldRef() != null) {
      return field(pod, source.getFieldRef().getFieldPath(), podIp, hostIp);
    }
    if (source.getResourceFieldRef() != null) {
      return resourceField(container, source.getResourceFieldRef().getResource());
    }
    throw new ConfigError("env var %s has no value source".formatted(var.getName()));
  }

  private static final Pattern MAP_FIELD = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

  static String field(Pod pod, String path, String podIp, String hostIp) {
    var meta = pod.getMetadata();
    Matcher map = MAP_FIELD.matcher(path);
    if (map.matches()) {
      Map<String, String> values = map.group(1).equals("labels") ? meta.getLabels() : meta.getAnnotations();
      return values == null ? "" : values.getOrDefault(map.group(2), "");
    }
    return switch (path) {
      case "metadata.name" -> meta.getName();
      case "metadata.namespace" -> meta.getNamespace();
      case "metadata.uid" -> meta.getUid();
      case "spec.nodeName" -> pod.getSpec().getNodeName();
      case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
      case "status.podIP", "status.podIPs" -> podIp == null ? "" : podIp;
      case "status.hostIP", "status.hostIPs" -> hostIp;
      default -> throw new ConfigError("unsupported fieldRef path \"%s\"".formatted(path));
    };
  }

  private static String resourceField(Container container, String resource) {
    var resources = container.getResources();
    String[] parts = resource.split("\\.", 2);
    Map<String, Quantity> values = resources == null ? null : parts[0].equals("limits") ? resources.getLimits() : resources.getRequests();
    Quantity quantity = values == null || parts.length < 2 ? null : values.get(parts[1]);
    if (quantity == null) {
      return "0";
    }
    BigDecimal amount = quantity.getNumericalAmount();
    return parts[1].equals("cpu") ? amount.setScale(0, java.math.RoundingMode.CEILING).toPlainString() : amount.toBigInteger().toString();
  }

  /** Kubernetes' {@code $(VAR)} references, replaced with what is already defined. */
  private static String expand(String text, Map<String, String> env) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = env.get(matcher.group(1));
      matcher.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : matcher.group()));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static List<String> expand(List<String> words, List<String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : env) {
      int equals = pair.indexOf('=');
      values.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    return words.stream().map(word -> expand(word, values)).toList();
  }

  static Map<String, byte[]> secretData(Secret secret) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, value) -> {
        try {
          data.put(key, Base64.getDecoder().decode(value == null ? "" : value));
        } catch (IllegalArgumentException e) {
          throw new ConfigError("secret %s key %s is not base64".formatted(secret.getMetadata().getName(), key));
        }
      });
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
    }
    return data;
  }

  /** Removes a pod's volumes from the host once its containers are gone. */
  void removePodDir(String uid) {
    if (podsDir == null) {
      return;
    }
    Path dir = podsDir.resolve(uid);
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // best effort: what is left is cleaned up on the node's next start
    }
  }

  void removePodDirLater(String uid, Executor executor) {
    CompletableFuture.runAsync(() -> removePodDir(uid), executor);
  }

  static long bytes(Quantity quantity) {
    return quantity == null ? 0 : Quantity.getAmountInBytes(quantity).longValue();
  }

  static long millis(Quantity quantity) {
    return quantity == null ? 0 : quantity.getNumericalAmount().multiply(BigDecimal.valueOf(1000)).longValue();
  }

  static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
