package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.CborSerializable;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.StoreAccess;
import io.dirigent.core.store.VersionSequencer.Released;
import io.dirigent.core.store.WatchCache.Change;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The index of one resource type: its sequencer and its watch cache. One per resource in the
 * cluster (a sharded entity that is never passivated), it
 *
 * <ul>
 *   <li>hands out resourceVersions to the object entities and releases their committed changes
 *       in version order ({@link VersionSequencer});
 *   <li>keeps every current object and the latest changes in memory and serves list and watch
 *       from them ({@link WatchCache});
 *   <li>durably records the versions it reserved and the key of every object that may exist, so
 *       that after a restart it continues above every version ever handed out and rebuilds the
 *       cache by asking each such object's entity for its latest version.
 * </ul>
 *
 * A key is registered before the first version of a new object is granted, so an object whose
 * create was acknowledged is always found again by the rebuild. Registrations and reservations
 * from many writers are group-committed in one persist. Keys whose objects are gone are forgotten
 * from time to time ({@link KeysForgotten}), and every {@code index-snapshot-every} events the index
 * takes a snapshot of the keys it knows (the last two are kept): a restart replays only what came
 * after it and asks only objects that may exist, however long the resource's history.
 */
public final class ResourceIndex
    extends EventSourcedBehaviorWithEnforcedReplies<ResourceIndex.Command, ResourceIndex.Event, ResourceIndex.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ResourceIndex");

  // ---- protocol ----

  public sealed interface Command extends CborSerializable {}

  /**
   * An entity asks for the version of its next write, telling what it has persisted last so a
   * version left outstanding by a previous incarnation can be settled.
   */
  public record AcquireVersion(String key, long latestVersion, ObjectNode latest, boolean exists, Caller caller, ActorRef<VersionReply> replyTo)
      implements Command {}

  public sealed interface VersionReply extends CborSerializable {}

  /**
   * The version to write, and the index itself: the entity sends its commit and later requests
   * straight to it, past the shard region, for as long as it lives.
   */
  public record VersionGranted(long resourceVersion, ActorRef<Command> index) implements VersionReply {
    public VersionGranted(long resourceVersion) {
      this(resourceVersion, null);
    }
  }

  public record VersionRefused(String reason) implements VersionReply {}

  /** An entity persisted the version it was granted. */
  public record Commit(String key, long resourceVersion, ObjectNode object, boolean deleted, Caller caller) implements Command {}

  /** An entity's answer to {@link ObjectEntity.Resolve}. */
  public record Resolved(String key, long askedVersion, long latestVersion, ObjectNode latest, boolean exists, Caller caller)
      implements Command {}

  /**
   * List matching objects; {@code limit} 0 means all. A page that goes to another member ends
   * (with a continue token) once its objects make {@code list-page-bytes} of JSON, so that it
   * fits one of Artery's frames; the store asks for the rest of a whole list itself.
   */
  public record ListObjects(ObjectFilter filter, int limit, String continueToken, Caller caller, ActorRef<ListReply> replyTo)
      implements Command {}

  public sealed interface ListReply extends CborSerializable {}

  public record Listed(List<ObjectNode> items, long resourceVersion, String continueToken, long remaining) implements ListReply {
    public Listed {
      items = items.stream().map(FrozenJson::freeze).toList();
    }
  }

  public record ListFailed(StoreError error) implements ListReply {}

  /**
   * Watch matching objects. With {@code fromVersion} null the watch starts with an ADDED event
   * per current object; otherwise it resumes after that version (or ends with a 410 error when
   * the version is no longer retained). Events go straight to {@code target}, one message each
   * (a change reaches thousands of watchers, and a hop through the relay doubled the messages);
   * the {@code subscriber} relay keeps the watch's lifecycle: it is what the index registers,
   * watches and forgets.
   */
  public record Watch(ObjectFilter filter, Long fromVersion, boolean bookmarks, Caller caller, ActorRef<WatchRelay.Command> subscriber,
      ActorRef<WatchEvent> target) implements Command {}

  public record Unwatch(ActorRef<WatchRelay.Command> subscriber) implements Command {}

  private record Flush() implements Command, LocalOnly {}

  private record Tick() implements Command, LocalOnly {}

  /** An object's latest version as its entity reported it; null if it did not answer. */
  private record Recovered(String key, ObjectEntity.Current current) implements Command, LocalOnly {}

  private record Rebuilt(List<Recovered> objects) implements Command, LocalOnly {}

  private record RebuildFailed(String reason) implements Command, LocalOnly {}

  private record SubscriberGone(ActorRef<WatchRelay.Command> subscriber) implements Command, LocalOnly {}

  // ---- events and state ----

  public sealed interface Event extends CborSerializable {}

  /** Versions up to {@code upTo} may be handed out. */
  public record VersionsReserved(long upTo) implements Event {}

  /** Objects with these keys exist or existed. */
  public record KeysRegistered(List<String> keys) implements Event {}

  /**
   * The objects with these keys are gone (deleted, their deletion released, no version of them
   * outstanding): a rebuild need not ask them. An object created again under such a key is
   * registered again first.
   */
  public record KeysForgotten(List<String> keys) implements Event {}

  /**
   * The durable part: how far versions are reserved and how many keys are known. {@code keys} is
   * filled only in a snapshot (every known key, copied when the snapshot is taken, on the index's
   * own thread); the running index keeps its keys in {@link #knownKeys}.
   */
  public record State(long reservedUpTo, long keyCount, Set<String> keys) implements CborSerializable {
    public State {
      keys = keys == null ? Set.of() : keys;
    }
  }

  // ---- wiring ----

  public static void init(ActorSystem<?> system, ResourceRegistry registry, StoreSettings settings) {
    ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, entity -> create(entity.getEntityId(), registry, settings, StoreGuard.of(system)))
            .withRole(settings.role())
            .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String resource) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, resource);
  }

  static Behavior<Command> create(String resource, ResourceRegistry registry, StoreSettings settings, StoreGuard guard) {
    return ResourceTypes.awaiting(resource, registry, settings.definitionWait(), type -> Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), settings.tickInterval());
      return new ResourceIndex(context, timers, type, settings, guard);
    })));
  }

  private record Subscriber(ObjectFilter.Compiled filter, boolean bookmarks, ActorRef<WatchEvent> target) {}

  private final ActorContext<Command> context;
  private final ResourceType type;
  private final StoreSettings settings;
  private final StoreGuard guard;
  private final WatchCache cache;
  /**
   * Every key registered and not forgotten; derived from the journal (the last snapshot's keys,
   * then the events after it), too large to copy per event.
   */
  private final Set<String> knownKeys = new HashSet<>();
  /** Whether {@link #knownKeys} holds the recovered snapshot's keys yet. */
  private boolean snapshotKeysLoaded;
  private final List<AcquireVersion> waiting = new ArrayList<>();
  /** A list waiting until every version handed out before it came ({@code barrier}) is settled. */
  private record WaitingList(long barrier, long sinceNanos, ListObjects list) {}

  /**
   * How long a list waits for writes acknowledged before it came, as Kubernetes' consistent reads
   * from its watch cache wait; past that (a writer that died, a store that is down) it is answered
   * from the cache as it is.
   */
  private static final java.time.Duration LIST_WAIT = java.time.Duration.ofSeconds(3);

  private final List<WaitingList> listsWaiting = new ArrayList<>();
  /** Objects whose entities did not answer during the rebuild. */
  private final Set<String> unanswered = new HashSet<>();
  private final Map<ActorRef<WatchRelay.Command>, Subscriber> subscribers = new HashMap<>();
  /**
   * The current objects' shared encodings, by key: every watch that starts with the whole
   * collection gets the same lines, so a thousand watches that do not read cost a thousand
   * references to each object's line, not a thousand copies of it.
   */
  private final Map<String, WatchEvent.Encoded> encodings = new HashMap<>();
  private VersionSequencer sequencer;
  private boolean ready;
  /** When this incarnation started, and when its journal was replayed: the ready log says how long each step took. */
  private final long startedAt = System.nanoTime();
  private long recoveredAt;
  private boolean flushScheduled;
  private long lastBookmarkNanos = System.nanoTime();

  private ResourceIndex(ActorContext<Command> context, TimerScheduler<Command> timers, ResourceType type, StoreSettings settings, StoreGuard guard) {
    // No in-place restart on a failed persist: the index stops, its watchers' relays end their
    // watches (410), callers waiting for versions time out, and sharding starts a fresh
    // incarnation on the next message. Its transient state (keys, cache, watchers, timers) is
    // then always exactly what its journal and the entities say.
    super(PersistenceId.of(TYPE_KEY.name(), type.resource()));
    this.context = context;
    this.type = type;
    this.settings = settings;
    this.guard = guard;
    this.cache = new WatchCache(type.resource(), settings.watchWindow(), UUID.randomUUID().toString());
  }

  @Override
  public State emptyState() {
    return new State(0, 0, Set.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.indexSnapshotEvery(), 2);
  }

  /** A snapshot holds every known key, copied here, when Pekko saves it from the index's own thread. */
  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return new State(state.reservedUpTo(), knownKeys.size(), Set.copyOf(knownKeys));
      }

      @Override
      public State fromJournal(Object from) {
        return (State) from;
      }
    };
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          loadSnapshotKeys(state);
          sequencer = new VersionSequencer(state.reservedUpTo());
          recoveredAt = System.nanoTime();
          startRebuild();
        })
        .onSignal(PostStop.instance(), state -> {
          // Lists waiting for writes get an answer now rather than their caller's timeout.
          StoreError stopped = StoreError.of(StoreError.Reason.UNAVAILABLE, "the %s index stopped; retry".formatted(type.resource()));
          listsWaiting.forEach(waiting -> waiting.list().replyTo().tell(new ListFailed(stopped)));
          listsWaiting.clear();
        })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(AcquireVersion.class, this::onAcquire)
        .onCommand(Flush.class, this::onFlush)
        .onCommand(Commit.class, (state, commit) -> {
          if (!fromStore("commit", commit.caller())) {
            return Effect().noReply();
          }
          sequencer.commit(commit.key(), commit.resourceVersion(), commit.object(), commit.deleted());
          return release();
        })
        .onCommand(Resolved.class, (state, resolved) -> {
          if (!fromStore("resolved", resolved.caller())) {
            return Effect().noReply();
          }
          sequencer.settle(resolved.key(), resolved.askedVersion(), resolved.latestVersion(), resolved.latest(), resolved.exists());
          return release();
        })
        .onCommand(ListObjects.class, this::onList)
        .onCommand(Watch.class, this::onWatch)
        .onCommand(Unwatch.class, (state, unwatch) -> forget(unwatch.subscriber()))
        .onCommand(SubscriberGone.class, (state, gone) -> forget(gone.subscriber()))
        .onCommand(Tick.class, this::onTick)
        .onCommand(Rebuilt.class, this::onRebuilt)
        .onCommand(Recovered.class, this::onRecovered)
        .onCommand(RebuildFailed.class, (state, failed) -> {
          context.getLog().warn("index rebuild failed resource={} reason={}; retrying", type.resource(), failed.reason());
          startRebuild();
          return Effect().noReply();
        })
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(VersionsReserved.class, (state, reserved) -> {
          loadSnapshotKeys(state);
          return new State(reserved.upTo(), knownKeys.size(), Set.of());
        })
        .onEvent(KeysRegistered.class, (state, registered) -> {
          loadSnapshotKeys(state);
          knownKeys.addAll(registered.keys());
          return new State(state.reservedUpTo(), knownKeys.size(), Set.of());
        })
        .onEvent(KeysForgotten.class, (state, forgotten) -> {
          loadSnapshotKeys(state);
          forgotten.keys().forEach(knownKeys::remove);
          return new State(state.reservedUpTo(), knownKeys.size(), Set.of());
        })
        .build();
  }

  /**
   * The first event replayed after a snapshot, or the end of a recovery, sees the snapshot's
   * state: its keys are where {@link #knownKeys} starts.
   */
  private void loadSnapshotKeys(State state) {
    if (!snapshotKeysLoaded) {
      snapshotKeysLoaded = true;
      knownKeys.addAll(state.keys());
    }
  }

  // ---- versions ----

  /**
   * Whether an entity's message ({@code what}) comes from a member of the store itself: versions
   * and commits decide what every watcher sees, so a message from anyone else is dropped.
   */
  private boolean fromStore(String what, Caller caller) {
    if (guard.isMaster(caller)) {
      return true;
    }
    context.getLog().warn("index resource={} dropped a {} from {}", type.resource(), what, caller);
    return false;
  }

  /** A list's or watch's refusal, or null when {@code caller} may list this resource. */
  private StoreError listRefusal(Caller caller) {
    return guard.decide(caller, StoreAccess.Verb.LIST, type.resource(), null, "", null, null) instanceof StoreAccess.Denied denied
        ? StoreGuard.forbidden(type.resource(), "", denied) : null;
  }

  private ReplyEffect<Event, State> onAcquire(State state, AcquireVersion acquire) {
    if (!fromStore("version request", acquire.caller())) {
      acquire.replyTo().tell(new VersionRefused("only the store's members write"));
      return Effect().noReply();
    }
    sequencer.settle(acquire.key(), 0, acquire.latestVersion(), acquire.latest(), acquire.exists());
    // An entity asks again only after its earlier request failed (timed out while we were
    // persisting): that one is answered as refused, and only the newest is granted.
    waiting.removeIf(earlier -> {
      if (!earlier.key().equals(acquire.key())) {
        return false;
      }
      earlier.replyTo().tell(new VersionRefused("superseded by a newer request for " + acquire.key()));
      return true;
    });
    if (knownKeys.contains(acquire.key()) && sequencer.available() > 0) {
      long version = sequencer.grant(acquire.key(), System.nanoTime());
      acquire.replyTo().tell(new VersionGranted(version, context.getSelf()));
    } else {
      waiting.add(acquire);
      if (!flushScheduled) {
        flushScheduled = true;
        context.getSelf().tell(new Flush());
      }
    }
    return release();
  }

  /** Persists, in one write, the keys and reservation the waiting requests need, then grants. */
  private ReplyEffect<Event, State> onFlush(State state, Flush flush) {
    flushScheduled = false;
    List<AcquireVersion> batch = List.copyOf(waiting);
    waiting.clear();
    List<Event> events = new ArrayList<>();
    List<String> newKeys = batch.stream().map(AcquireVersion::key).filter(k -> !knownKeys.contains(k)).distinct().toList();
    if (!newKeys.isEmpty()) {
      events.add(new KeysRegistered(newKeys));
    }
    if (sequencer.available() < batch.size()) {
      events.add(new VersionsReserved(sequencer.reservedUpTo() + Math.max(settings.versionBlock(), batch.size())));
    }
    if (events.isEmpty()) {
      grantAll(batch);
      return Effect().noReply();
    }
    return Effect().persist(events)
        .thenRun(s -> {
          sequencer.extendReservation(s.reservedUpTo());
          grantAll(batch);
        })
        .thenNoReply();
  }

  private void grantAll(List<AcquireVersion> batch) {
    long now = System.nanoTime();
    for (AcquireVersion acquire : batch) {
      acquire.replyTo().tell(new VersionGranted(sequencer.grant(acquire.key(), now), context.getSelf()));
    }
  }

  private ReplyEffect<Event, State> release() {
    releaseChanges();
    return Effect().noReply();
  }

  /** Applies every releasable change to the cache, tells the watchers, and answers the lists that waited for it. */
  private void releaseChanges() {
    if (ready) {
      for (Released released : sequencer.drain()) {
        publish(cache.apply(released.key(), released.resourceVersion(), released.object(), released.deleted()));
      }
      answerWaitingLists(Long.MIN_VALUE);
    }
  }

  /** Answers the lists whose writes are settled, and those that came before {@code cutoffNanos}. */
  private void answerWaitingLists(long cutoffNanos) {
    if (listsWaiting.isEmpty()) {
      return;
    }
    long settled = sequencer.settledThrough();
    listsWaiting.removeIf(waiting -> {
      if (waiting.barrier() > settled && waiting.sinceNanos() > cutoffNanos) {
        return false;
      }
      waiting.list().replyTo().tell(answer(waiting.list()));
      return true;
    });
  }

  /** Tells every watcher what it sees of {@code change}; null (a repeat) is nothing. */
  private void publish(Change change) {
    if (change == null) {
      return;
    }
    // A change reaches a watcher as one of three event types; each is made once and shared.
    WatchEvent.Encoded encoded = new WatchEvent.Encoded(change.object());
    if (change.type() == WatchEvent.Type.DELETED) {
      encodings.remove(change.key());
    } else {
      encodings.put(change.key(), encoded);
    }
    WatchEvent[] byType = new WatchEvent[WatchEvent.Type.values().length];
    List<ActorRef<WatchRelay.Command>> failed = new ArrayList<>();
    subscribers.forEach((subscriber, s) -> {
      WatchEvent.Type eventType;
      try {
        eventType = typeFor(change, s.filter());
      } catch (RuntimeException e) {
        // This watcher's filter cannot judge the change: its watch ends (the client lists again), the others go on.
        context.getLog().error("index resource={} could not filter a change for a watch: {}", type.resource(), e.toString());
        s.target().tell(WatchEvent.error(StoreError.of(StoreError.Reason.INTERNAL, "the watch could not filter a change: " + e.getMessage())));
        subscriber.tell(new WatchRelay.Stop());
        failed.add(subscriber);
        return;
      }
      if (eventType != null) {
        WatchEvent event = byType[eventType.ordinal()];
        if (event == null) {
          event = new WatchEvent(eventType, change.object(), encoded);
          byType[eventType.ordinal()] = event;
        }
        s.target().tell(event);
      }
    });
    failed.forEach(this::forget);
  }

  private ReplyEffect<Event, State> onTick(State state, Tick tick) {
    long now = System.nanoTime();
    for (Map.Entry<String, Long> overdue : sequencer.overdue(now - settings.resolveAfter().toNanos())) {
      context.getLog().info("resolving outstanding version resource={} key={} version={}", type.resource(), overdue.getKey(), overdue.getValue());
      ObjectKey key = ObjectKey.fromIndexKey(type.resource(), overdue.getKey());
      ClusterSharding.get(context.getSystem()).entityRefFor(ObjectEntity.TYPE_KEY, key.entityId())
          .tell(new ObjectEntity.Resolve(overdue.getValue(), guard.self(), context.getSelf()));
    }
    for (String key : unanswered) {
      context.pipeToSelf(latestOf(key), (current, failure) -> new Recovered(key, failure == null ? current : null));
    }
    if (ready) {
      answerWaitingLists(now - LIST_WAIT.toNanos());
    }
    if (ready && now - lastBookmarkNanos >= settings.bookmarkInterval().toNanos()) {
      lastBookmarkNanos = now;
      WatchEvent bookmark = WatchEvent.bookmark(type.apiVersion(), type.kind(), cache.resourceVersion());
      subscribers.forEach((subscriber, s) -> {
        if (s.bookmarks()) {
          s.target().tell(bookmark);
        }
      });
    }
    return forgetGoneKeys();
  }

  /**
   * Once {@code index-snapshot-every} known keys belong to objects that are gone, persists them as
   * forgotten. Only with a complete cache: a key is gone when the cache, which then holds every
   * object that exists, does not hold it and no version of it is outstanding (an entity answers
   * the rebuild only after a write it has in flight). A key re-created meanwhile is registered
   * again by the flush that grants its version.
   */
  private ReplyEffect<Event, State> forgetGoneKeys() {
    int every = settings.indexSnapshotEvery();
    if (!ready || !unanswered.isEmpty() || knownKeys.size() - cache.size() < every) {
      return Effect().noReply();
    }
    List<String> gone = knownKeys.stream().filter(key -> !cache.contains(key) && !sequencer.outstanding(key)).toList();
    if (gone.size() < every) {
      // Most of the difference is versions still outstanding for new objects: not yet.
      return Effect().noReply();
    }
    context.getLog().info("index resource={} forgets {} keys of objects that are gone", type.resource(), gone.size());
    return Effect().persist(new KeysForgotten(gone)).thenNoReply();
  }

  // ---- rebuild ----

  private void startRebuild() {
    ready = false;
    var done = Source.from(List.copyOf(knownKeys))
        .mapAsyncUnordered(settings.rebuildParallelism(), key -> latestOf(key)
            .handle((current, failure) -> new Recovered(key, failure == null ? current : null)))
        .runWith(Sink.seq(), context.getSystem());
    context.pipeToSelf(done, (entries, failure) -> {
      if (failure != null) {
        return new RebuildFailed(failure.toString());
      }
      return new Rebuilt(List.copyOf(entries));
    });
  }

  private CompletionStage<ObjectEntity.Current> latestOf(String key) {
    return ClusterSharding.get(context.getSystem())
        .entityRefFor(ObjectEntity.TYPE_KEY, ObjectKey.fromIndexKey(type.resource(), key).entityId())
        .<ObjectEntity.Current>ask(replyTo -> new ObjectEntity.Get(guard.self(), replyTo), settings.askTimeout())
        .thenApply(current -> {
          if (current.refused() != null) {
            // This member's caller was refused (its caller key is not the cluster's): not an answer, asked again later.
            throw current.refused().toException();
          }
          return current;
        });
  }

  /**
   * The cache starts from every object's latest version. An object whose entity did not answer
   * (it cannot recover, or timed out) is left out for now and asked again on every tick; it
   * joins the cache, as an ADDED change, once it answers. Until every object has, lists are
   * refused rather than answered without it.
   */
  private ReplyEffect<Event, State> onRebuilt(State state, Rebuilt rebuilt) {
    Map<String, ObjectNode> live = new HashMap<>();
    long newest = 0;
    for (Recovered recovered : rebuilt.objects()) {
      ObjectEntity.Current current = recovered.current();
      if (current == null) {
        unanswered.add(recovered.key());
        continue;
      }
      newest = Math.max(newest, current.resourceVersion());
      if (current.exists()) {
        live.put(recovered.key(), current.latest());
      }
    }
    cache.reset(live, newest);
    encodings.clear();
    ready = true;
    long now = System.nanoTime();
    context.getLog().info("index ready resource={} objects={} keys={} resourceVersion={} recoveryMs={} rebuildMs={}", type.resource(), live.size(),
        rebuilt.objects().size(), newest, (recoveredAt - startedAt) / 1_000_000, (now - recoveredAt) / 1_000_000);
    if (!unanswered.isEmpty()) {
      context.getLog().error("index resource={} could not read {} objects, retrying: {}", type.resource(), unanswered.size(), unanswered);
    }
    releaseChanges();
    return Effect().noReply().thenUnstashAll();
  }

  /**
   * Why a list (or a watch that starts with the whole collection) is refused while some objects'
   * entities have not answered the rebuild: it would be incomplete, and a client (an informer
   * above all) would take the missing objects for deleted. A 503: the client retries.
   */
  private StoreError incomplete() {
    return StoreError.of(StoreError.Reason.UNAVAILABLE, "the %s index has not read %d of its objects yet (is the store reachable?); retry"
        .formatted(type.resource(), unanswered.size()));
  }

  /** A late answer from an object left out of the rebuild. */
  private ReplyEffect<Event, State> onRecovered(State state, Recovered recovered) {
    if (recovered.current() == null || !unanswered.remove(recovered.key())) {
      return Effect().noReply();
    }
    ObjectEntity.Current current = recovered.current();
    if (current.latest() != null) {
      publish(cache.apply(recovered.key(), current.resourceVersion(), current.latest(), !current.exists()));
    }
    context.getLog().info("index resource={} read object {} after the rebuild", type.resource(), recovered.key());
    return Effect().noReply();
  }

  // ---- list and watch ----

  private ReplyEffect<Event, State> onList(State state, ListObjects list) {
    StoreError refused = listRefusal(list.caller());
    if (refused != null) {
      return Effect().reply(list.replyTo(), new ListFailed(refused));
    }
    if (!ready) {
      return Effect().stash();
    }
    if (!unanswered.isEmpty()) {
      return Effect().reply(list.replyTo(), new ListFailed(incomplete()));
    }
    if (list.continueToken() == null || list.continueToken().isEmpty()) {
      // As Kubernetes' consistent reads: a list holds every write acknowledged before it was
      // asked, so it waits until the versions handed out so far are committed or abandoned
      // (milliseconds; see LIST_WAIT for a writer that died).
      long barrier = sequencer.lastGranted();
      if (sequencer.settledThrough() < barrier) {
        listsWaiting.add(new WaitingList(barrier, System.nanoTime(), list));
        return Effect().noReply();
      }
    }
    return Effect().reply(list.replyTo(), answer(list));
  }

  /** One page of the list, from the cache as it is now. */
  private ListReply answer(ListObjects list) {
    try {
      ObjectFilter.Compiled filter = list.filter().compile(type);
      long maxBytes = list.replyTo().path().address().hasGlobalScope() ? settings.listPageBytes() : 0;
      WatchCache.Page page = cache.list(filter.namespace(), filter.selects() ? filter::matches : null, list.limit(), list.continueToken(), maxBytes);
      return new Listed(page.items(), page.resourceVersion(), page.continueToken(), page.remaining());
    } catch (StoreException e) {
      return new ListFailed(e.error());
    } catch (RuntimeException e) {
      // A request the index cannot answer fails alone: the index, and every watch on it, go on.
      context.getLog().error("index resource={} could not answer a list: {}", type.resource(), e.toString());
      return new ListFailed(StoreError.of(StoreError.Reason.INTERNAL, "the list could not be answered: " + e.getMessage()));
    }
  }

  private ReplyEffect<Event, State> onWatch(State state, Watch watch) {
    if (!ready) {
      return Effect().stash();
    }
    ActorRef<WatchRelay.Command> subscriber = watch.subscriber();
    subscriber.tell(new WatchRelay.Started(context.getSelf()));
    StoreError refused = listRefusal(watch.caller());
    if (refused != null) {
      return refuse(watch, refused);
    }
    ObjectFilter.Compiled filter;
    try {
      filter = watch.filter().compile(type);
    } catch (StoreException e) {
      return refuse(watch, e.error());
    }
    try {
      return startWatch(watch, filter);
    } catch (RuntimeException e) {
      // A watch the index cannot start fails alone: the index, and every other watch, go on.
      context.getLog().error("index resource={} could not start a watch: {}", type.resource(), e.toString());
      return refuse(watch, StoreError.of(StoreError.Reason.INTERNAL, "the watch could not be started: " + e.getMessage()));
    }
  }

  private ReplyEffect<Event, State> startWatch(Watch watch, ObjectFilter.Compiled filter) {
    ActorRef<WatchRelay.Command> subscriber = watch.subscriber();
    ActorRef<WatchEvent> target = watch.target();
    if (watch.fromVersion() == null && !unanswered.isEmpty()) {
      // Its first events would be the whole collection, and that is not all in yet.
      return refuse(watch, incomplete());
    }
    if (watch.fromVersion() == null) {
      for (ObjectNode object : cache.snapshot(filter.namespace(), filter::matches)) {
        target.tell(new WatchEvent(WatchEvent.Type.ADDED, object, encoding(object)));
      }
    } else {
      WatchCache.Start start = cache.watchFrom(watch.fromVersion());
      if (start.gone() != null) {
        return refuse(watch, start.gone());
      }
      for (Change change : start.replay()) {
        WatchEvent event = eventFor(change, filter, null);
        if (event != null) {
          target.tell(event);
        }
      }
    }
    subscribers.put(subscriber, new Subscriber(filter, watch.bookmarks(), target));
    context.watchWith(subscriber, new SubscriberGone(subscriber));
    return Effect().noReply();
  }

  /** The shared encoding of a current object of the cache. */
  private WatchEvent.Encoded encoding(ObjectNode object) {
    String key = ObjectKey.indexKeyOf(object);
    WatchEvent.Encoded encoded = encodings.get(key);
    if (encoded == null || !encoded.encodes(object)) {
      encoded = new WatchEvent.Encoded(object);
      encodings.put(key, encoded);
    }
    return encoded;
  }

  /** Ends a watch before it started: the watcher gets the error, and its relay stops. */
  private ReplyEffect<Event, State> refuse(Watch watch, StoreError error) {
    watch.target().tell(WatchEvent.error(error));
    watch.subscriber().tell(new WatchRelay.Stop());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> forget(ActorRef<WatchRelay.Command> subscriber) {
    if (subscribers.remove(subscriber) != null) {
      context.unwatch(subscriber);
    }
    return Effect().noReply();
  }

  /**
   * What a watcher with {@code filter} sees of a change: an object that starts or stops matching
   * arrives as ADDED or DELETED, as in Kubernetes' watch cache.
   */
  static WatchEvent eventFor(Change change, ObjectFilter.Compiled filter, WatchEvent.Encoded encoded) {
    WatchEvent.Type type = typeFor(change, filter);
    return type == null ? null : new WatchEvent(type, change.object(), encoded);
  }

  /** The type of event a watcher with {@code filter} sees of a change; null if it sees nothing. */
  private static WatchEvent.Type typeFor(Change change, ObjectFilter.Compiled filter) {
    boolean now = filter.matches(change.object());
    boolean before = change.previous() != null && filter.matches(change.previous());
    return switch (change.type()) {
      case ADDED -> now ? WatchEvent.Type.ADDED : null;
      case DELETED -> before || now ? WatchEvent.Type.DELETED : null;
      case MODIFIED -> now && before ? WatchEvent.Type.MODIFIED : now ? WatchEvent.Type.ADDED : before ? WatchEvent.Type.DELETED : null;
      default -> null;
    };
  }
}
