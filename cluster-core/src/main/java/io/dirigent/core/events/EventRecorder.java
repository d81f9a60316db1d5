package io.dirigent.core.events;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events about objects, as client-go's recorder does: an event that repeats
 * (same object, reason, message, type and source) within {@link #DEDUPLICATION_WINDOW} is not
 * written again; the first one's {@code count} and {@code lastTimestamp} are bumped instead.
 * Writes are asynchronous and best effort: an event that cannot be written is logged, never
 * failing the caller.
 */
public final class EventRecorder {

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  /** How long a repeated event is folded into the first one. */
  public static final Duration DEDUPLICATION_WINDOW = Duration.ofMinutes(10);
  private static final int REMEMBERED = 4096;
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final Store store;
  private final String component;
  private final String host;
  private final Clock clock;
  private final Map<String, Recorded> recent = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** When an event was first recorded, and its latest write (which answers it as written, or null). */
  private record Recorded(Instant first, CompletionStage<Event> latest) {}

  /**
   * @param component the source component ({@code kubelet}, {@code default-scheduler}, ...)
   * @param host the source host, or null
   */
  public EventRecorder(Store store, String component, String host, Clock clock) {
    this.store = store;
    this.component = component;
    this.host = host;
    this.clock = clock;
  }

  /** Records an event about {@code object}; {@code fieldPath} (e.g. {@code spec.containers{web}}) may be null. */
  public CompletionStage<Event> record(HasMetadata object, String fieldPath, String type, String reason, String message) {
    ObjectReference involved = new ObjectReference(object.getApiVersion(), fieldPath, object.getKind(),
        object.getMetadata().getName(), object.getMetadata().getNamespace(), object.getMetadata().getResourceVersion(),
        object.getMetadata().getUid());
    return record(involved, type, reason, message);
  }

  /**
   * Reports that {@code object} cannot be read as its kind (it was stored before its fields were
   * type-checked): a Warning event FailedToRead on it, saying what the component does about it
   * ({@code consequence}) and why (the first line of {@code cause}).
   */
  public CompletionStage<Event> unreadable(com.fasterxml.jackson.databind.JsonNode object, String consequence, String cause) {
    String why = cause == null ? "unreadable" : cause.lines().findFirst().orElse(cause);
    return record(referenceTo(object), WARNING, "FailedToRead", consequence + ": " + why);
  }

  /** A reference to a stored object from its JSON alone, for one that cannot be read as its kind. */
  private static ObjectReference referenceTo(com.fasterxml.jackson.databind.JsonNode object) {
    com.fasterxml.jackson.databind.JsonNode metadata = object.path("metadata");
    return new ObjectReference(object.path("apiVersion").asText(null), null, object.path("kind").asText(null),
        metadata.path("name").asText(null), metadata.path("namespace").asText(null), metadata.path("resourceVersion").asText(null),
        metadata.path("uid").asText(null));
  }

  public CompletionStage<Event> record(ObjectReference involved, String type, String reason, String message) {
    String key = String.join("\u0000", String.valueOf(involved.getUid()), String.valueOf(involved.getFieldPath()),
        String.valueOf(involved.getName()), type, reason, message);
    Instant now = clock.instant();
    synchronized (recent) {
      Recorded previous = recent.get(key);
      boolean repeat = previous != null && previous.first().plus(DEDUPLICATION_WINDOW).isAfter(now);
      CompletionStage<Event> write = repeat
          ? previous.latest().thenCompose(last -> last == null ? create(involved, type, reason, message, now) : bump(last, now))
          : create(involved, type, reason, message, now);
      write = write.exceptionally(failure -> {
        log.warn("event not recorded reason={} object={}/{} error={}", reason, involved.getNamespace(), involved.getName(), failure.getMessage());
        return null;
      });
      recent.put(key, new Recorded(repeat ? previous.first() : now, write));
      return write;
    }
  }

  private CompletionStage<Event> create(ObjectReference involved, String type, String reason, String message, Instant now) {
    String namespace = involved.getNamespace() == null || involved.getNamespace().isEmpty() ? "default" : involved.getNamespace();
    String stamp = KubeJson.timestamp(now);
    Event event = new EventBuilder()
        .withNewMetadata()
        .withName(involved.getName() + "." + Long.toHexString(uniqueNanos(now)))
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(involved)
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withSource(new EventSource(component, host))
        .withReportingComponent(component)
        .withReportingInstance(host == null ? "" : host)
        .withFirstTimestamp(stamp)
        .withLastTimestamp(stamp)
        .withCount(1)
        .build();
    return store.create(event);
  }

  /**
   * The time in nanoseconds, as Kubernetes names events, but strictly increasing: the clock here
   * ticks in microseconds, and two events in one tick would otherwise get the same name.
   */
  private long uniqueNanos(Instant now) {
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return lastNanos.updateAndGet(last -> Math.max(last + 1, nanos));
  }

  private final java.util.concurrent.atomic.AtomicLong lastNanos = new java.util.concurrent.atomic.AtomicLong();

  private CompletionStage<Event> bump(Event last, Instant now) {
    Event next = new EventBuilder(last)
        .withCount(last.getCount() == null ? 2 : last.getCount() + 1)
        .withLastTimestamp(KubeJson.timestamp(now))
        .editMetadata().withResourceVersion(null).endMetadata()
        .build();
    return store.update(next).exceptionallyCompose(failure -> CompletableFuture.completedFuture(last));
  }
}
