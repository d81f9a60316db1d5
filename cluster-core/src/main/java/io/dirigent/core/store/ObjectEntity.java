package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.CborSerializable;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.FrozenJson;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.PodReferences;
import io.dirigent.core.auth.StoreAccess;
import io.dirigent.core.store.ObjectWrites.Decision;
import io.dirigent.core.store.ObjectWrites.Reject;
import io.dirigent.core.store.ObjectWrites.Unchanged;
import io.dirigent.core.store.ObjectWrites.Write;
import java.time.Clock;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The single writer of one API object: an event-sourced entity whose journal holds every version
 * the object ever had, deleted incarnations included.
 *
 * <p>A write is decided by {@link ObjectWrites}, stamped with a resourceVersion from the
 * resource's {@link ResourceIndex} (the sequencer), persisted, acknowledged, and then reported to
 * the index, which releases it to watchers in resourceVersion order. While a write is in flight
 * other writes wait in the stash, so the index never has two outstanding versions from one
 * object; reads are answered at once from the last persisted version.
 */
public final class ObjectEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ObjectEntity.Command, ObjectEntity.Event, ObjectEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Object");

  // ---- protocol ----

  /** Messages the entity handles. */
  public sealed interface Command extends CborSerializable {}

  /** Create the object; AlreadyExists if it exists. */
  public record Create(ObjectNode object, String user, boolean dryRun, Caller caller, ActorRef<Reply> replyTo) implements Command {}

  /**
   * Replace the object (or only its status); a resourceVersion in the body is a precondition.
   */
  public record Update(ObjectNode object, boolean statusOnly, String user, boolean dryRun, Caller caller, ActorRef<Reply> replyTo)
      implements Command {}

  /** Delete the object, or mark it for deletion while finalizers or a grace period hold it. */
  public record Delete(DeleteOptions options, String user, boolean dryRun, Caller caller, ActorRef<Reply> replyTo) implements Command {}

  /** Read the last persisted version. */
  public record Get(Caller caller, ActorRef<Current> replyTo) implements Command {}

  /**
   * The index asks what became of a version it handed out and never heard back about (the
   * writer's member may have died mid-write). Answered once any write in flight has finished.
   */
  public record Resolve(long resourceVersion, Caller caller, ActorRef<ResourceIndex.Command> replyTo) implements Command {}

  /**
   * The pods' index answered whether a pod bound to the asking node refers to this object; {@code
   * next} is the continue token of the page to ask next when none so far does.
   */
  private record Referenced(Get get, boolean referenced, String failure, String next) implements Command, LocalOnly {}

  /** The index's answer to our request for a resourceVersion. */
  private record VersionAnswer(long resourceVersion, ActorRef<ResourceIndex.Command> from, String failure) implements Command, LocalOnly {}

  /** After a restart: let the writes that waited in the stash through. */
  private record Resume() implements Command, LocalOnly {}

  /** The index incarnation we talked to directly has stopped. */
  private record IndexGone(ActorRef<ResourceIndex.Command> index) implements Command, LocalOnly {}

  /** Replies to writes. */
  public sealed interface Reply extends CborSerializable {}

  /** The write happened (or was a no-op, or a dry run): the resulting version. */
  public record Accepted(ObjectNode object, boolean deleted) implements Reply {
    public Accepted {
      object = FrozenJson.freeze(object);
    }
  }

  /** The write was refused; nothing was persisted. */
  public record Rejected(StoreError error) implements Reply {}

  /**
   * The last persisted version: {@code latest} is null if the object never existed, and the
   * final version if it was deleted ({@code exists} false). A read that was refused carries only
   * the {@code refused} error.
   */
  public record Current(ObjectNode latest, boolean exists, StoreError refused) implements CborSerializable {
    public Current {
      latest = FrozenJson.freeze(latest);
    }

    public Current(ObjectNode latest, boolean exists) {
      this(latest, exists, null);
    }

    static Current refusal(StoreError error) {
      return new Current(null, false, error);
    }

    public long resourceVersion() {
      return latest == null ? 0 : KubeJson.resourceVersion(latest);
    }
  }

  // ---- events and state ----

  /** Journal entries. */
  public sealed interface Event extends CborSerializable {}

  /** One version of the object, with who wrote it, when, and how. */
  public record Changed(Operation operation, long resourceVersion, Instant time, String user, ObjectNode object)
      implements Event {}

  /** The newest version, live or deleted; null if the object never existed. */
  public record State(ObjectNode latest, boolean exists) implements CborSerializable {
    static final State EMPTY = new State(null, false);

    /** A version replayed from the journal or a snapshot is frozen as the live one is. */
    public State {
      latest = FrozenJson.freeze(latest);
    }

    State apply(Changed event) {
      return new State(event.object(), event.operation() != Operation.DELETE);
    }

    /** The live object, or null. */
    ObjectNode live() {
      return exists ? latest : null;
    }

    long resourceVersion() {
      return latest == null ? 0 : KubeJson.resourceVersion(latest);
    }
  }

  // ---- wiring ----

  /** Registers the entity with cluster sharding on this member, on the system clock. */
  public static void init(ActorSystem<?> system, ResourceRegistry registry, StoreSettings settings) {
    ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, entity -> {
              ObjectKey key = ObjectKey.fromEntityId(entity.getEntityId());
              return create(key, registry, settings, ResourceIndex.entityRef(system, key.resource()), StoreGuard.of(system), Clock.systemUTC());
            })
            .withRole(settings.role()));
  }

  /**
   * The entity of {@code key}, taking its versions from {@code index}, checking its callers with
   * {@code guard}, and stamping its writes (creationTimestamp, deletionTimestamp, each version's
   * time) from {@code clock}.
   */
  public static Behavior<Command> create(
      ObjectKey key, ResourceRegistry registry, StoreSettings settings, RecipientRef<ResourceIndex.Command> index, StoreGuard guard,
      Clock clock) {
    return ResourceTypes.awaiting(key.resource(), registry, settings.definitionWait(),
        type -> Behaviors.setup(context -> new ObjectEntity(context, key, type, settings, index, guard, clock)));
  }

  private final ActorContext<Command> context;
  private final ObjectKey key;
  private final ResourceType type;
  private final StoreSettings settings;
  private final RecipientRef<ResourceIndex.Command> index;
  private final StoreGuard guard;
  private final Clock clock;
  /**
   * The index incarnation that last granted us a version, addressed directly to save the shard
   * region's hops; null until the first grant and after it stops. Transient.
   */
  private ActorRef<ResourceIndex.Command> indexActor;
  /** The write waiting for its resourceVersion; transient, never persisted. */
  private InFlight inFlight;
  /** Whether writes wait in the stash behind the one in flight. Transient. */
  private boolean stashed;

  private record InFlight(Write write, String user, ActorRef<Reply> replyTo) {}

  private ObjectEntity(
      ActorContext<Command> context, ObjectKey key, ResourceType type, StoreSettings settings, RecipientRef<ResourceIndex.Command> index,
      StoreGuard guard, Clock clock) {
    super(
        PersistenceId.of(TYPE_KEY.name(), key.entityId()),
        SupervisorStrategy.restartWithBackoff(settings.persistMinBackoff(), settings.persistMaxBackoff(), 0.2));
    this.context = context;
    this.key = key;
    this.type = type;
    this.settings = settings;
    this.index = index;
    this.guard = guard;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Events are never deleted on snapshot: they are the object's history.
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  /**
   * A failed persist restarts the entity with back-off; this instance and its stash live on. The
   * write that failed is over (its caller times out), and the writes stashed behind it are let
   * through in order.
   */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          inFlight = null;
          if (stashed) {
            context.getSelf().tell(new Resume());
          }
        })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Get.class, this::onGet)
        .onCommand(Referenced.class, this::onReferenced)
        .onCommand(Create.class, this::onCreate)
        .onCommand(Update.class, this::onUpdate)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Resolve.class, this::onResolve)
        .onCommand(VersionAnswer.class, this::onVersionAnswer)
        .onCommand(Resume.class, (state, resume) -> {
          stashed = false;
          return Effect().noReply().thenUnstashAll();
        })
        .onCommand(IndexGone.class, (state, gone) -> {
          if (gone.index().equals(indexActor)) {
            indexActor = null;
          }
          return Effect().noReply();
        })
        .build();
  }

  private ReplyEffect<Event, State> onGet(State state, Get get) {
    if (inFlight != null) {
      // A read after the write in flight, whatever becomes of it: what a rebuilding index asks
      // must include a version another incarnation of the index granted.
      return stash();
    }
    StoreAccess.Decision access = access(get.caller(), StoreAccess.Verb.GET, state, null);
    if (access instanceof StoreAccess.Denied denied) {
      return Effect().reply(get.replyTo(), Current.refusal(forbidden(denied)));
    }
    if (access instanceof StoreAccess.IfReferenced referenced) {
      if (!state.exists()) {
        // Not even the final version of a deleted object: it may hold what no pod refers to any more.
        return Effect().reply(get.replyTo(), new Current(null, false));
      }
      askReferenced(get, referenced.nodeName(), null);
      return Effect().noReply();
    }
    return Effect().reply(get.replyTo(), new Current(state.latest(), state.exists()));
  }

  /**
   * Asks the pods' index for the pods bound to {@code node} here, and whether one refers to this
   * object: page by page ({@code continueToken}), as an index on another member answers.
   */
  private void askReferenced(Get get, String node, String continueToken) {
    var filter = new ObjectFilter(key.namespace(), "", "spec.nodeName=" + node);
    context.ask(ResourceIndex.ListReply.class, guard.pods(), settings.versionTimeout(),
        ref -> new ResourceIndex.ListObjects(filter, 0, continueToken, guard.self(), ref),
        (reply, failure) -> {
          if (reply instanceof ResourceIndex.Listed listed) {
            boolean found = listed.items().stream().anyMatch(pod -> PodReferences.refersTo(pod, key.resource(), key.name()));
            return new Referenced(get, found, null, found ? null : listed.continueToken());
          }
          return new Referenced(get, false, reply instanceof ResourceIndex.ListFailed failed ? failed.error().message()
              : "the pods index did not answer: " + failure.getMessage(), null);
        });
  }

  private ReplyEffect<Event, State> onReferenced(State state, Referenced referenced) {
    Get get = referenced.get();
    if (referenced.failure() == null && referenced.next() != null) {
      askReferenced(get, get.caller().nodeName(), referenced.next());
      return Effect().noReply();
    }
    if (referenced.failure() != null) {
      return Effect().reply(get.replyTo(), Current.refusal(StoreError.of(StoreError.Reason.UNAVAILABLE,
          "could not tell whether node %s may read %s: %s".formatted(get.caller().nodeName(), key, referenced.failure()))));
    }
    if (!referenced.referenced()) {
      return Effect().reply(get.replyTo(), Current.refusal(forbidden(StoreAccess.notReferenced(get.caller(), key.resource(), key.namespace(), key.name()))));
    }
    return Effect().reply(get.replyTo(), new Current(state.latest(), state.exists()));
  }

  private ReplyEffect<Event, State> onCreate(State state, Create create) {
    if (inFlight != null) {
      return stash();
    }
    Rejected refused = refusal(create.caller(), StoreAccess.Verb.CREATE, state, create.object());
    if (refused != null) {
      return Effect().reply(create.replyTo(), refused);
    }
    Decision decision = ObjectWrites.create(type, state.live(), create.object(), clock.instant());
    return decide(state, decision, recorded(create.caller(), create.user()), create.dryRun(), create.replyTo());
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update update) {
    if (inFlight != null) {
      return stash();
    }
    var verb = update.statusOnly() ? StoreAccess.Verb.UPDATE_STATUS : StoreAccess.Verb.UPDATE;
    Rejected refused = refusal(update.caller(), verb, state, update.object());
    if (refused != null) {
      return Effect().reply(update.replyTo(), refused);
    }
    Decision decision = ObjectWrites.update(type, state.live(), update.object(), update.statusOnly(), clock.instant());
    return decide(state, decision, recorded(update.caller(), update.user()), update.dryRun(), update.replyTo());
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete delete) {
    if (inFlight != null) {
      return stash();
    }
    Rejected refused = refusal(delete.caller(), StoreAccess.Verb.DELETE, state, null);
    if (refused != null) {
      return Effect().reply(delete.replyTo(), refused);
    }
    Decision decision = ObjectWrites.delete(type, state.live(), key.name(), delete.options(), clock.instant());
    return decide(state, decision, recorded(delete.caller(), delete.user()), delete.dryRun(), delete.replyTo());
  }

  /** What the guard says of {@code caller} doing {@code verb} here. */
  private StoreAccess.Decision access(Caller caller, StoreAccess.Verb verb, State state, ObjectNode proposed) {
    return guard.decide(caller, verb, key.resource(), key.namespace(), key.name(), state.live(), proposed);
  }

  /**
   * A write's refusal, or null when {@code caller} may write (writes never depend on references)
   * and this member may take writes (it has the quorum).
   */
  private Rejected refusal(Caller caller, StoreAccess.Verb verb, State state, ObjectNode proposed) {
    var unavailable = guard.withoutQuorum();
    if (unavailable.isPresent()) {
      return new Rejected(unavailable.get());
    }
    StoreAccess.Decision access = access(caller, verb, state, proposed);
    return access instanceof StoreAccess.Allowed ? null
        : new Rejected(forbidden(access instanceof StoreAccess.Denied denied ? denied
            : StoreAccess.notReferenced(caller, key.resource(), key.namespace(), key.name())));
  }

  private StoreError forbidden(StoreAccess.Denied denied) {
    return StoreGuard.forbidden(type.resource(), key.name(), denied);
  }

  /** Who the history names: the user the API server acted for, or the component itself. */
  private static String recorded(Caller caller, String user) {
    return caller.isMaster() ? user : caller.user();
  }

  private ReplyEffect<Event, State> decide(
      State state, Decision decision, String user, boolean dryRun, ActorRef<Reply> replyTo) {
    if (decision instanceof Reject reject) {
      return Effect().reply(replyTo, new Rejected(reject.error()));
    }
    if (decision instanceof Unchanged unchanged) {
      return Effect().reply(replyTo, new Accepted(unchanged.object(), false));
    }
    Write write = (Write) decision;
    if (dryRun) {
      return Effect().reply(replyTo, new Accepted(write.object(), write.deleted()));
    }
    return requestVersion(state, write, user, replyTo);
  }

  /**
   * Ask the sequencer for the next resourceVersion. The request carries what we last persisted,
   * so the index can settle a version a previous incarnation of this entity left unresolved.
   */
  private ReplyEffect<Event, State> requestVersion(State state, Write write, String user, ActorRef<Reply> replyTo) {
    inFlight = new InFlight(write, user, replyTo);
    context.ask(
        ResourceIndex.VersionReply.class,
        indexActor != null ? indexActor : index,
        settings.versionTimeout(),
        ref -> new ResourceIndex.AcquireVersion(key.indexKey(), state.resourceVersion(), state.latest(), state.exists(), guard.self(), ref),
        (reply, failure) -> {
          if (reply instanceof ResourceIndex.VersionGranted granted) {
            return new VersionAnswer(granted.resourceVersion(), granted.index(), null);
          }
          if (reply instanceof ResourceIndex.VersionRefused refused) {
            return new VersionAnswer(0, null, refused.reason());
          }
          return new VersionAnswer(0, null, "the " + type.resource() + " index did not answer: " + failure.getMessage());
        });
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onVersionAnswer(State state, VersionAnswer answer) {
    InFlight write = inFlight;
    inFlight = null;
    if (write == null) {
      return Effect().noReply();
    }
    if (answer.failure() != null) {
      forgetIndex();
      context.getLog().warn("write refused key={} reason={}", key, answer.failure());
      stashed = false;
      return Effect().reply(write.replyTo(),
              new Rejected(StoreError.of(StoreError.Reason.UNAVAILABLE,
                  "the store could not order this write, try again: " + answer.failure())))
          .thenUnstashAll();
    }
    if (answer.from() != null && !answer.from().equals(indexActor)) {
      forgetIndex();
      indexActor = answer.from();
      context.watchWith(indexActor, new IndexGone(indexActor));
    }
    RecipientRef<ResourceIndex.Command> commitTo = indexActor != null ? indexActor : index;
    long rv = answer.resourceVersion();
    // The write's tree is this entity's own (ObjectWrites made it); stamped, it is frozen once
    // here and shared from then on by the state, the reply, the index and every watcher.
    ObjectNode stamped = write.write().object();
    KubeJson.metadata(stamped).put("resourceVersion", Long.toString(rv));
    ObjectNode object = FrozenJson.freeze(stamped);
    var event = new Changed(write.write().operation(), rv, clock.instant(), write.user(), object);
    return Effect().persist(event)
        .thenRun(s -> {
          commitTo.tell(new ResourceIndex.Commit(key.indexKey(), rv, object, write.write().deleted(), guard.self()));
          // The stash is let through right after this; a failed persist leaves the flag set
          // for the restart to act on.
          stashed = false;
        })
        .thenReply(write.replyTo(), s -> new Accepted(object, write.write().deleted()))
        .thenUnstashAll();
  }

  private ReplyEffect<Event, State> stash() {
    stashed = true;
    return Effect().stash();
  }

  private void forgetIndex() {
    if (indexActor != null) {
      context.unwatch(indexActor);
      indexActor = null;
    }
  }

  private ReplyEffect<Event, State> onResolve(State state, Resolve resolve) {
    if (!guard.isMaster(resolve.caller())) {
      context.getLog().warn("resolve refused key={} caller={}", key, resolve.caller());
      return Effect().noReply();
    }
    if (inFlight != null) {
      return stash();
    }
    return Effect().reply(resolve.replyTo(),
        new ResourceIndex.Resolved(key.indexKey(), resolve.resourceVersion(), state.resourceVersion(), state.latest(), state.exists(), guard.self()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Changed.class, State::apply)
        .build();
  }
}
