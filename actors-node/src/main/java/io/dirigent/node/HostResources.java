package io.dirigent.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What this host has, read from /proc and the file system: CPUs, memory, and whether memory, disk
 * or process ids are running short (the kubelet's pressure conditions).
 */
record HostResources(int cpus, long memoryBytes, long availableMemoryBytes, long diskFreeBytes, long diskTotalBytes, long pids, long maxPids) {

  /** Below this much available memory the node reports MemoryPressure. */
  static final long MEMORY_PRESSURE_BYTES = 100L << 20;

  static HostResources read(Path dataDir) {
    long total = meminfo("MemTotal:");
    long available = meminfo("MemAvailable:");
    long diskFree = 0;
    long diskTotal = 0;
    try {
      Path existing = dataDir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing != null) {
        var store = Files.getFileStore(existing);
        diskFree = store.getUsableSpace();
        diskTotal = store.getTotalSpace();
      }
    } catch (IOException ignored) {
      // no figures: no pressure reported
    }
    long pids = 0;
    long maxPids = 0;
    try (var entries = Files.list(Path.of("/proc"))) {
      pids = entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
      maxPids = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).strip());
    } catch (IOException | NumberFormatException ignored) {
      // not Linux: no pid pressure reported
    }
    return new HostResources(Runtime.getRuntime().availableProcessors(), total > 0 ? total : Runtime.getRuntime().maxMemory(), available,
        diskFree, diskTotal, pids, maxPids);
  }

  boolean memoryPressure() {
    return availableMemoryBytes > 0 && availableMemoryBytes < MEMORY_PRESSURE_BYTES;
  }

  /** Less than 10 % of the disk free, the kubelet's default eviction threshold for nodefs. */
  boolean diskPressure() {
    return diskTotalBytes > 0 && diskFreeBytes * 10 < diskTotalBytes;
  }

  boolean pidPressure() {
    return maxPids > 0 && pids * 10 > maxPids * 9;
  }

  private static long meminfo(String field) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
      for (String line : lines) {
        if (line.startsWith(field)) {
          String[] parts = line.substring(field.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // not Linux
    }
    return 0;
  }
}
