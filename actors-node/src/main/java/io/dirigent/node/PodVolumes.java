package io.dirigent.node;

import static io.dirigent.node.ContainerSpecs.orEmpty;

import io.dirigent.node.ContainerSpecs.ConfigError;
import io.dirigent.node.runtime.ContainerSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A pod's volumes on the host: emptyDir, configMap and secret volumes as directories under the
 * pod's own directory, hostPath volumes where they say. Every path built from the pod's spec is
 * confined: a volume's name is one path element (a DNS label), a subPath or a file's path is
 * relative and stays below its volume, and no symbolic link on the way is followed (a container
 * can plant links in its emptyDir). The API server refuses such specs already; this holds even for
 * one that got past it. Blocking file work: called off the actor threads.
 */
final class PodVolumes {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private PodVolumes() {}

  /**
   * What volumes are filled from: the ConfigMaps and Secrets the pod refers to (null when missing),
   * its ServiceAccount tokens by {@code volume/path}, the addresses the downward API reads, and
   * the paths of its claims' PersistentVolumes by volume name, which must lie below
   * {@code volumesDir} (null: the node takes no local volumes).
   */
  record Sources(Map<String, ConfigMap> configMaps, Map<String, Secret> secrets, Map<String, String> tokens, String podIp, String hostIp,
      Map<String, String> claims, Path volumesDir) {
    /** Sources without claim volumes. */
    Sources(Map<String, ConfigMap> configMaps, Map<String, Secret> secrets, Map<String, String> tokens, String podIp, String hostIp) {
      this(configMaps, secrets, tokens, podIp, hostIp, Map.of(), null);
    }
  }

  /** The pod's volumes that {@code container} mounts. */
  static List<Volume> mounted(Pod pod, Container container) {
    java.util.Set<String> names = new java.util.HashSet<>();
    orEmpty(container.getVolumeMounts()).forEach(mount -> names.add(mount.getName()));
    return orEmpty(pod.getSpec().getVolumes()).stream().filter(volume -> names.contains(volume.getName())).toList();
  }

  static List<ContainerSpec.Mount> mounts(Path base, Pod pod, Container container, Sources sources) {
    Map<String, Volume> volumes = new LinkedHashMap<>();
    for (Volume volume : orEmpty(pod.getSpec().getVolumes())) {
      volumes.put(volume.getName(), volume);
    }
    List<ContainerSpec.Mount> mounts = new ArrayList<>();
    for (VolumeMount mount : orEmpty(container.getVolumeMounts())) {
      Volume volume = volumes.get(mount.getName());
      if (volume == null) {
        throw new ConfigError("unable to find volume \"%s\" for the mount %s".formatted(mount.getName(), mount.getMountPath()));
      }
      if (mount.getMountPath() == null || !mount.getMountPath().startsWith("/")) {
        throw new ConfigError("mount path \"%s\" of volume %s is not absolute".formatted(mount.getMountPath(), mount.getName()));
      }
      Path host = prepare(volume, base, pod, sources);
      boolean claimed = volume.getPersistentVolumeClaim() != null;
      boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly()) || volume.getConfigMap() != null || volume.getSecret() != null
          || volume.getProjected() != null || (claimed && Boolean.TRUE.equals(volume.getPersistentVolumeClaim().getReadOnly()));
      if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
        host = below(host, mount.getSubPath(), "subPath", volume.getEmptyDir() != null || claimed);
      }
      mounts.add(new ContainerSpec.Mount(host.toString(), mount.getMountPath(), readOnly));
    }
    return mounts;
  }

  /** Makes the volume's directory on the host, with its files for configMap, secret and projected volumes. */
  private static Path prepare(Volume volume, Path base, Pod pod, Sources sources) {
    Map<String, ConfigMap> configMaps = sources.configMaps();
    Map<String, Secret> secrets = sources.secrets();
    if (volume.getEmptyDir() != null) {
      Path dir = child(base.resolve("empty-dir"), volume.getName());
      createDirectories(dir);
      makeWritable(dir);
      return dir;
    }
    if (volume.getHostPath() != null) {
      return hostPath(volume);
    }
    if (volume.getPersistentVolumeClaim() != null) {
      return claimed(volume, sources);
    }
    if (volume.getConfigMap() != null) {
      var source = volume.getConfigMap();
      ConfigMap map = configMaps.get(source.getName());
      if (map == null && !Boolean.TRUE.equals(source.getOptional())) {
        throw new ConfigError("configmap \"%s\" not found".formatted(source.getName()));
      }
      return writeFiles(child(base.resolve("configmap"), volume.getName()), configMapData(map), source.getItems(), source.getDefaultMode());
    }
    if (volume.getSecret() != null) {
      var source = volume.getSecret();
      Secret secret = secrets.get(source.getSecretName());
      if (secret == null && !Boolean.TRUE.equals(source.getOptional())) {
        throw new ConfigError("secret \"%s\" not found".formatted(source.getSecretName()));
      }
      return writeFiles(child(base.resolve("secret"), volume.getName()), secret == null ? Map.of() : ContainerSpecs.secretData(secret),
          source.getItems(), source.getDefaultMode());
    }
    if (volume.getProjected() != null) {
      return writeFiles(child(base.resolve("projected"), volume.getName()), projected(volume, pod, sources), null,
          volume.getProjected().getDefaultMode());
    }
    throw new ConfigError("volume \"%s\": only emptyDir, hostPath, configMap, secret, projected and persistentVolumeClaim volumes are supported".formatted(volume.getName()));
  }

  private static Map<String, byte[]> configMapData(ConfigMap map) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (map != null && map.getData() != null) {
      map.getData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
    }
    if (map != null && map.getBinaryData() != null) {
      map.getBinaryData().forEach((key, value) -> data.put(key, decode(value, "binaryData", key)));
    }
    return data;
  }

  /** A projected volume's files by path: its ServiceAccount token, ConfigMap and Secret keys, and the pod's own fields. */
  private static Map<String, byte[]> projected(Volume volume, Pod pod, Sources sources) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (var source : orEmpty(volume.getProjected().getSources())) {
      if (source.getServiceAccountToken() != null) {
        String path = source.getServiceAccountToken().getPath();
        String token = sources.tokens().get(volume.getName() + "/" + path);
        if (token == null) {
          throw new ConfigError("no ServiceAccount token for volume %s".formatted(volume.getName()));
        }
        files.put(path, token.getBytes(StandardCharsets.US_ASCII));
      }
      if (source.getConfigMap() != null) {
        var projection = source.getConfigMap();
        ConfigMap map = sources.configMaps().get(projection.getName());
        if (map == null && !Boolean.TRUE.equals(projection.getOptional())) {
          throw new ConfigError("configmap \"%s\" not found".formatted(projection.getName()));
        }
        select(configMapData(map), projection.getItems(), volume.getName(), files);
      }
      if (source.getSecret() != null) {
        var projection = source.getSecret();
        Secret secret = sources.secrets().get(projection.getName());
        if (secret == null && !Boolean.TRUE.equals(projection.getOptional())) {
          throw new ConfigError("secret \"%s\" not found".formatted(projection.getName()));
        }
        select(secret == null ? Map.of() : ContainerSpecs.secretData(secret), projection.getItems(), volume.getName(), files);
      }
      if (source.getDownwardAPI() != null) {
        for (var item : orEmpty(source.getDownwardAPI().getItems())) {
          if (item.getFieldRef() == null) {
            throw new ConfigError("volume %s: only fieldRef items of the downward API are supported".formatted(volume.getName()));
          }
          String value = ContainerSpecs.field(pod, item.getFieldRef().getFieldPath(), sources.podIp(), sources.hostIp());
          files.put(item.getPath(), (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return files;
  }

  /** The items asked for (each key to its path), or every key under its own name. */
  private static void select(Map<String, byte[]> data, List<KeyToPath> items, String volume, Map<String, byte[]> files) {
    if (items == null || items.isEmpty()) {
      files.putAll(data);
      return;
    }
    for (KeyToPath item : items) {
      if (!data.containsKey(item.getKey())) {
        throw new ConfigError("configuration key \"%s\" not found for volume %s".formatted(item.getKey(), volume));
      }
      files.put(item.getPath(), data.get(item.getKey()));
    }
  }

  /** A hostPath volume: an absolute path without {@code ..}, made if its type says so. Only admitted in privileged namespaces. */
  private static Path hostPath(Volume volume) {
    String text = volume.getHostPath().getPath();
    if (text == null || !text.startsWith("/") || List.of(text.split("/")).contains("..")) {
      throw new ConfigError("hostPath \"%s\" of volume %s must be an absolute path without '..'".formatted(text, volume.getName()));
    }
    Path path = Path.of(text).normalize();
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

  /**
   * A claim's volume: the directory its PersistentVolume names, which must lie strictly below the
   * node's volumes directory, reached without a symbolic link, and is made (writable by any user,
   * as k3s' local-path provisioner makes it) when missing.
   */
  private static Path claimed(Volume volume, Sources sources) {
    String claim = volume.getPersistentVolumeClaim().getClaimName();
    String text = sources.claims().get(volume.getName());
    if (text == null) {
      throw new ConfigError("persistentvolumeclaim \"%s\" of volume %s was not resolved".formatted(claim, volume.getName()));
    }
    if (sources.volumesDir() == null) {
      throw new ConfigError("volume %s: this node takes no persistent volumes".formatted(volume.getName()));
    }
    Path dir = confined(sources.volumesDir(), text, claim);
    makeWritable(dir);
    return dir;
  }

  /** {@code text}, an absolute path, as a directory strictly below {@code root}, made if missing, with no symbolic link below root. */
  static Path confined(Path root, String text, String claim) {
    if (text.isEmpty() || !text.startsWith("/") || text.indexOf('\0') >= 0 || List.of(text.split("/")).contains("..")) {
      throw new ConfigError("the volume of claim \"%s\" has path \"%s\": it must be absolute, without '..'".formatted(claim, text));
    }
    Path path = Path.of(text).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new ConfigError("the volume of claim \"%s\" has path %s, outside this node's volumes directory %s".formatted(claim, path, root));
    }
    createDirectories(root);
    return below(root, root.relativize(path).toString(), "volume path", true);
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
        Path file = below(dir, entry.getValue(), "file path", false);
        createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, data.get(entry.getKey()));
        Files.setPosixFilePermissions(tmp, permissions(defaultMode == null ? 0644 : defaultMode & 0777));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new ConfigError("cannot write volume files in %s: %s".formatted(dir, e.getMessage()));
    }
    return dir;
  }

  /** {@code parent}'s child {@code name}, which must be a DNS label (a volume's name): one path element, nothing more. */
  static Path child(Path parent, String name) {
    if (name == null || !DNS_LABEL.matcher(name).matches()) {
      throw new ConfigError("volume name \"%s\" is not a DNS label".formatted(name));
    }
    return parent.resolve(name);
  }

  /**
   * {@code root}'s descendant at {@code relative}: a relative path without {@code ..}, strictly
   * below {@code root}, with no symbolic link on the way (each existing element is checked without
   * following links). With {@code create}, the missing directories are made.
   */
  static Path below(Path root, String relative, String what, boolean create) {
    if (relative == null || relative.isEmpty() || relative.startsWith("/") || List.of(relative.split("/")).contains("..")) {
      throw new ConfigError("%s \"%s\" must be a relative path without '..'".formatted(what, relative));
    }
    Path target = root.resolve(relative).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new ConfigError("%s \"%s\" leaves its volume".formatted(what, relative));
    }
    Path current = root;
    for (Path element : root.relativize(target)) {
      current = current.resolve(element);
      if (Files.isSymbolicLink(current)) {
        throw new ConfigError("%s \"%s\" goes through a symbolic link, which is not followed".formatted(what, relative));
      }
      if (create && !Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createDirectory(current);
        } catch (IOException e) {
          throw new ConfigError("cannot create %s: %s".formatted(current, e.getMessage()));
        }
      }
    }
    return target;
  }

  private static byte[] decode(String value, String field, String key) {
    try {
      return Base64.getDecoder().decode(value == null ? "" : value);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("%s key %s is not base64".formatted(field, key));
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
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
}
