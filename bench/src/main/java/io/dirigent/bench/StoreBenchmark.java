package io.dirigent.bench;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.cluster.JvmDefaults;
import io.dirigent.core.store.ListOptions;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.WatchEvent;
import io.dirigent.core.store.WatchOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The store benchmark: create and update throughput with N concurrent writers, and watch
 * delivery latency (write acknowledged → event seen by a watcher) at a fixed write rate.
 *
 * <p>Usage: {@code StoreBenchmark STORE [writers] [operations] [watchRate] [watchSeconds]
 * [warmupSeconds]} where
 * STORE is h2 or cassandra (which must be running on 127.0.0.1:9042). Prints one Markdown table
 * row per measurement.
 */
public final class StoreBenchmark {

  private final Store store;
  private final String namespace;

  private StoreBenchmark(Store store, String namespace) {
    this.store = store;
    this.namespace = namespace;
  }

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    String plugin = args.length > 0 ? args[0] : "h2";
    int writers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int operations = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int watchRate = args.length > 3 ? Integer.parseInt(args[3]) : 500;
    int watchSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    int warmupSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 60;

    ClusterNode node = BenchMember.start("bench", plugin,
        Map.of("dirigent.cassandra.keyspace", "dirigent_bench_" + Long.toString(System.currentTimeMillis(), 36)));
    try {
      node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
      String namespace = "bench";
      node.store().create(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      StoreBenchmark bench = new StoreBenchmark(node.store(), namespace);
      System.out.println("| store | measurement | writers | operations | throughput (ops/s) | p50 (ms) | p99 (ms) | CPU per op (µs) |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      // Warm up until the JIT has settled (on two cores the compiler competes with the store for
      // a minute or more); what is measured after it is the steady state.
      long warmupEnd = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
      for (int round = 0; System.nanoTime() < warmupEnd; round++) {
        List<ConfigMap> warm = bench.creates("warmup-" + round + "-", writers, 2_000);
        bench.updates("warmup", writers, warm, 4_000);
      }
      // The bare journal plugin in the same system, right before the store: the reference figure.
      long cpuBefore = Measure.processCpuNanos();
      double baseline = JournalBaseline.measure(node.system(), writers, operations, 400);
      System.out.printf("| %s | bare plugin: persist (reference) | %d | %d | %.0f | | | %.0f |%n",
          plugin, writers, operations, baseline, (Measure.processCpuNanos() - cpuBefore) / 1e3 / operations);
      List<ConfigMap> objects = bench.creates(plugin + " | create", writers, operations);
      bench.updates(plugin + " | update", writers, objects, operations);
      // Unconditional updates (no resourceVersion): the update phase moved these objects on.
      bench.watchLatency(plugin + " | watch delivery, updates", watchRate, watchSeconds, i -> {
        ConfigMap target = objects.get(i % objects.size());
        return bench.store.update(new ConfigMapBuilder(target).editMetadata().withResourceVersion(null).endMetadata()
            .withData(Map.of("value", Integer.toString(i))).build());
      });
      bench.watchLatency(plugin + " | watch delivery, creates", watchRate, watchSeconds,
          i -> bench.store.create(bench.configMap("watch-" + i, "0")));
    } finally {
      node.close();
    }
    System.exit(0);
  }

  /** {@code writers} concurrent loops creating {@code total} objects. */
  private List<ConfigMap> creates(String label, int writers, int total) throws Exception {
    Latencies latencies = new Latencies();
    List<ConfigMap> created = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    String prefix = label.startsWith("warmup") ? label : "c-";
    long cpuStart = Measure.processCpuNanos();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      loops.add(Measure.loop(() -> {
        int i = next.getAndIncrement();
        if (i >= total) {
          return null;
        }
        long t0 = System.nanoTime();
        return store.create(configMap(prefix + i, "0")).thenAccept(cm -> {
          latencies.record(System.nanoTime() - t0);
          created.add(cm);
        });
      }).toCompletableFuture());
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
    report(label, writers, total, System.nanoTime() - start, Measure.processCpuNanos() - cpuStart, latencies);
    return created;
  }

  /** {@code writers} concurrent loops, each updating objects of its own, {@code total} in all. */
  private void updates(String label, int writers, List<ConfigMap> objects, int total) throws Exception {
    Latencies latencies = new Latencies();
    AtomicInteger done = new AtomicInteger();
    long cpuStart = Measure.processCpuNanos();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      List<ConfigMap> mine = new ArrayList<>();
      for (int i = w; i < objects.size(); i += writers) {
        mine.add(objects.get(i));
      }
      AtomicInteger turn = new AtomicInteger();
      loops.add(Measure.loop(() -> {
        if (done.getAndIncrement() >= total) {
          return null;
        }
        int slot = turn.getAndIncrement() % mine.size();
        ConfigMap current = mine.get(slot);
        long t0 = System.nanoTime();
        ConfigMap changed = new ConfigMapBuilder(current).withData(Map.of("value", Long.toString(t0))).build();
        return store.update(changed).thenAccept(updated -> {
          latencies.record(System.nanoTime() - t0);
          mine.set(slot, updated);
        });
      }).toCompletableFuture());
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
    report(label, writers, total, System.nanoTime() - start, Measure.processCpuNanos() - cpuStart, latencies);
  }

  /**
   * Writes at {@code rate} per second for {@code seconds} while a watcher runs; the latency of
   * each write is from its acknowledgement to the watcher seeing its version (0 when the watcher
   * saw it first).
   */
  private void watchLatency(String label, int rate, int seconds, IntFunction<CompletionStage<ConfigMap>> write) throws Exception {
    String version = store.list(ConfigMap.class, ListOptions.of(ObjectFilter.inNamespace(namespace))).toCompletableFuture().get().resourceVersion();
    Map<Long, Long> acknowledged = new ConcurrentHashMap<>();
    Map<Long, Long> seen = new ConcurrentHashMap<>();
    store.watch(ConfigMap.class, WatchOptions.from(ObjectFilter.inNamespace(namespace), version))
        .runWith(Sink.foreach((WatchEvent event) -> seen.put(event.resourceVersion(), System.nanoTime())), store.system());
    int total = rate * seconds;
    long intervalNanos = Duration.ofSeconds(1).toNanos() / rate;
    long cpuStart = Measure.processCpuNanos();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      writes.add(write.apply(i)
          .thenAccept(cm -> acknowledged.put(Long.parseLong(cm.getMetadata().getResourceVersion()), System.nanoTime()))
          .toCompletableFuture());
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!seen.keySet().containsAll(acknowledged.keySet()) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    Latencies latencies = new Latencies();
    acknowledged.forEach((rv, ackAt) -> {
      Long seenAt = seen.get(rv);
      if (seenAt != null) {
        latencies.record(Math.max(0, seenAt - ackAt));
      }
    });
    if (latencies.count() != total) {
      System.out.printf("| %s | MISSING %d of %d events |%n", label, total - latencies.count(), total);
    }
    report(label + " at " + rate + "/s", 1, total, System.nanoTime() - start, Measure.processCpuNanos() - cpuStart, latencies);
  }


  private ConfigMap configMap(String name, String value) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withData(Map.of("value", value)).build();
  }

  private static void report(String label, int writers, int operations, long elapsedNanos, long cpuNanos, Latencies latencies) {
    if (label.startsWith("warmup")) {
      return;
    }
    double seconds = elapsedNanos / 1e9;
    System.out.printf("| %s | %d | %d | %.0f | %.2f | %.2f | %.0f |%n",
        label, writers, operations, operations / seconds, latencies.percentileMillis(50), latencies.percentileMillis(99),
        cpuNanos / 1e3 / operations);
  }

}
