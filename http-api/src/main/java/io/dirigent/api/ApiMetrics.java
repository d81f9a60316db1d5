package io.dirigent.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * What {@code /metrics} shows, in Prometheus' text format: requests by verb, resource and code
 * with latency histograms (named as Kubernetes' API server names them), open watches, the
 * store's write latency, and the JVM.
 */
final class ApiMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger openWatches = new AtomicInteger();

  ApiMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("apiserver.watches.open", openWatches, AtomicInteger::get)
        .description("Watches this API server is serving now")
        .register(registry);
    // The store's own meters (dirigent.store.write) go to the global registry.
    Metrics.globalRegistry.add(registry);
  }

  /** Counts a request and its latency up to the response (for a watch: until its stream starts). */
  void request(String verb, String resource, int code, long startNanos) {
    String status = Integer.toString(code);
    Timer.builder("apiserver.request.duration")
        .description("API requests until their response started")
        .tags("verb", verb, "resource", resource, "code", status)
        .publishPercentileHistogram()
        .register(registry)
        .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    Counter.builder("apiserver.request")
        .description("API requests")
        .tags("verb", verb, "resource", resource, "code", status)
        .register(registry)
        .increment();
  }

  void watchOpened() {
    openWatches.incrementAndGet();
  }

  void watchClosed() {
    openWatches.decrementAndGet();
  }

  /** Everything, in Prometheus' text exposition format. */
  String scrape() {
    return registry.scrape();
  }

  /** Stops publishing the store's meters through this registry. */
  void close() {
    Metrics.globalRegistry.remove(registry);
    registry.close();
  }

  /** Kubernetes' verb for a request: GET, LIST, WATCH, POST, PUT, PATCH, DELETE, DELETECOLLECTION. */
  static String verb(HttpRequest request, ApiPath path) {
    boolean watch = request.getUri().query().get("watch").map(v -> v.equals("true") || v.equals("1")).orElse(false);
    if (request.method().equals(HttpMethods.GET)) {
      return watch ? "WATCH" : path.collection() ? "LIST" : "GET";
    }
    if (request.method().equals(HttpMethods.DELETE) && path.collection()) {
      return "DELETECOLLECTION";
    }
    return request.method().value().toUpperCase(Locale.ROOT);
  }
}
