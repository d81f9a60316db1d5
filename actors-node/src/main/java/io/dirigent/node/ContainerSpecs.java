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
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a pod's container into what the runtime creates: its environment (values, ConfigMap and
 * Secret keys, the pod's own fields), its volumes on the host (emptyDir, hostPath, configMap,
 * secret) bound in, and its resource limits. A reference that cannot be resolved fails with a
 * {@link ConfigError}, shown as {@code CreateContainerConfigError}.
 */
final class ContainerSpecs {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

  private final Store store;
  private final Path podsDir;
  private final Executor files;

  /** A container that cannot be configured as its spec says. */
  static final class ConfigError extends RuntimeException {
    ConfigError(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param podsDir where pod volumes go; null: no volumes are made (the simulated runtime)
   * @param files runs the blocking file work
   */
  ContainerSpecs(Store store, Path podsDir, Executor files) {
    this.store = store;
    this.podsDir = podsDir;
    this.files = files;
  }

  CompletionStage<ContainerSpec> build(Pod pod, Container container, ContainerLabels labels, String sandboxId, String podIp, String hostIp) {
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
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApplyAsync(looked -> {
      List<String> env = environment(pod, container, configMaps, secrets, podIp, hostIp);
      List<ContainerSpec.Mount> mounts = podsDir == null ? List.of() : mounts(pod, container, configMaps, secrets);
      var resources = container.getResources();
      Map<String, Quantity> limits = resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
      Map<String, Quantity> requests = resources == null || resources.getRequests() == null ? Map.of() : resources.getRequests();
      return new ContainerSpec(labels, sandboxId, container.getImage(),
          expand(orEmpty(container.getCommand()), env), expand(orEmpty(container.getArgs()), env), env, container.getWorkingDir(), mounts,
          bytes(limits.get("memory")), millis(limits.get("cpu")), millis(requests.getOrDefault("cpu", limits.get("cpu"))),
          pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations());
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

  private static Map<String, byte[]> secretData(Secret secret) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value == null ? "" : value)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
    }
    return data;
  }

  // ---- volumes ----

  private List<ContainerSpec.Mount> mounts(Pod pod, Container container, Map<String, ConfigMap> configMaps, Map<String, Secret> secrets) {
    Map<String, Volume> volumes = new LinkedHashMap<>();
    for (Volume volume : orEmpty(pod.getSpec().getVolumes())) {
      volumes.put(volume.getName(), volume);
    }
    Path base = podsDir.resolve(pod.getMetadata().getUid()).resolve("volumes");
    List<ContainerSpec.Mount> mounts = new ArrayList<>();
    for (VolumeMount mount : orEmpty(container.getVolumeMounts())) {
      Volume volume = volumes.get(mount.getName());
      if (volume == null) {
        throw new ConfigError("unable to find volume \"%s\" for the mount %s".formatted(mount.getName(), mount.getMountPath()));
      }
      Path host = prepare(volume, base, configMaps, secrets);
      boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly()) || volume.getConfigMap() != null || volume.getSecret() != null;
      if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
        host = host.resolve(mount.getSubPath()).normalize();
        if (volume.getEmptyDir() != null) {
          createDirectories(host);
        }
      }
      mounts.add(new ContainerSpec.Mount(host.toString(), mount.getMountPath(), readOnly));
    }
    return mounts;
  }

  /** Makes the volume's directory on the host, with its files for configMap and secret volumes. */
  private static Path prepare(Volume volume, Path base, Map<String, ConfigMap> configMaps, Map<String, Secret> secrets) {
    if (volume.getEmptyDir() != null) {
      Path dir = base.resolve("empty-dir").resolve(volume.getName());
      createDirectories(dir);
      makeWritable(dir);
      return dir;
    }
    if (volume.getHostPath() != null) {
      Path path = Path.of(volume.getHostPath().getPath());
      String type = volume.getHostPath().getType() == null ? "" : volume.getHostPath().getType();
      try {
        switch (type) {
          case "DirectoryOrCreate" -> createDirectories(path);
          case "FileOrCreate" -> {
            createDirectories(path.getParent());
            if (!Files.exists(path)) {
              Files.createFile(path);
            }
          }
          case "Directory" -> require(Files.isDirectory(path), "hostPath type check failed: %s is not a directory", path);
          case "File" -> require(Files.isRegularFile(path), "hostPath type check failed: %s is not a file", path);
          default -> { }
        }
      } catch (IOException e) {
        throw new ConfigError("cannot prepare hostPath %s: %s".formatted(path, e.getMessage()));
      }
      return path;
    }
    if (volume.getConfigMap() != null) {
      var source = volume.getConfigMap();
      ConfigMap map = configMaps.get(source.getName());
      if (map == null && !Boolean.TRUE.equals(source.getOptional())) {
        throw new ConfigError("configmap \"%s\" not found".formatted(source.getName()));
      }
      Map<String, byte[]> data = new LinkedHashMap<>();
      if (map != null && map.getData() != null) {
        map.getData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
      }
      if (map != null && map.getBinaryData() != null) {
        map.getBinaryData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
      }
      return writeFiles(base.resolve("configmap").resolve(volume.getName()), data, source.getItems(), source.getDefaultMode());
    }
    if (volume.getSecret() != null) {
      var source = volume.getSecret();
      Secret secret = secrets.get(source.getSecretName());
      if (secret == null && !Boolean.TRUE.equals(source.getOptional())) {
        throw new ConfigError("secret \"%s\" not found".formatted(source.getSecretName()));
      }
      return writeFiles(base.resolve("secret").resolve(volume.getName()), secret == null ? Map.of() : secretData(secret),
          source.getItems(), source.getDefaultMode());
    }
    throw new ConfigError("volume \"%s\": only emptyDir, hostPath, configMap and secret volumes are supported".formatted(volume.getName()));
  }

  private static Path writeFiles(Path dir, Map<String, byte[]> data, List<KeyToPath> items, Integer defaultMode) {
    createDirectories(dir);
    Map<String, String> paths = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      data.keySet().forEach(key -> paths.put(key, key));
    } else {
      for (KeyToPath item : items) {
        if (!data.containsKey(item.getKey())) {
          throw new ConfigError("configuration key \"%s\" not found for volume %s".formatted(item.getKey(), dir.getFileName()));
        }
        paths.put(item.getKey(), item.getPath());
      }
    }
    try {
      for (var entry : paths.entrySet()) {
        Path file = dir.resolve(entry.getValue()).normalize();
        if (!file.startsWith(dir)) {
          throw new ConfigError("volume path %s leaves the volume".formatted(entry.getValue()));
        }
        createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, data.get(entry.getKey()));
        Files.setPosixFilePermissions(tmp, permissions(defaultMode == null ? 0644 : defaultMode));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new ConfigError("cannot write volume files in %s: %s".formatted(dir, e.getMessage()));
    }
    return dir;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        permissions.add(order[bit]);
      }
    }
    return permissions;
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigError("cannot create %s: %s".formatted(dir, e.getMessage()));
    }
  }

  /** An emptyDir is writable by whatever user the container runs as, as Kubernetes makes it. */
  private static void makeWritable(Path dir) {
    try {
      Files.setPosixFilePermissions(dir, permissions(0777));
    } catch (IOException | UnsupportedOperationException ignored) {
      // not a POSIX file system: leave the default permissions
    }
  }

  private static void require(boolean condition, String message, Object... args) {
    if (!condition) {
      throw new ConfigError(message.formatted(args));
    }
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

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
