package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.auth.Caller;
import io.dirigent.core.auth.Callers;
import io.dirigent.core.crd.CustomObjects;
import io.dirigent.core.crd.CustomResources;
import io.dirigent.core.validation.Defaults;
import io.dirigent.core.validation.FieldError;
import io.dirigent.core.validation.ObjectValidator;
import io.dirigent.core.validation.TypeCheck;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * The typed, asynchronous client of the object store: what the API server, the controllers, the
 * node agent and tests use. Every operation goes to the object's entity or to its resource's
 * index anywhere in the cluster; nothing blocks.
 *
 * <p>Failures complete the stage with a {@link StoreException} whose {@link StoreError} says
 * what was wrong. A store that does not answer within {@code dirigent.store.ask-timeout} gives a
 * TIMEOUT error, never a hang.
 *
 * <p>Each operation comes in two forms: on JSON trees with an explicit {@link ResourceType} (the
 * API server's), and on fabric8 model objects (everyone else's).
 */
public final class Store {

  /** generateName's suffix alphabet and length, as Kubernetes uses. */
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final int SUFFIX_LENGTH = 5;
  /** The longest generateName prefix kept, so that a generated name fits a DNS label (63). */
  private static final int GENERATED_PREFIX_MAX = 63 - SUFFIX_LENGTH;
  private static final int GENERATE_NAME_ATTEMPTS = 8;
  /** Watch buffers larger than this grow with what they hold instead of being allocated whole. */
  private static final int WATCH_BUFFER_PREALLOCATED = 128;

  private final ActorSystem<?> system;
  private final ResourceRegistry registry;
  private final StoreSettings settings;
  private final ClusterSharding sharding;
  private final ResourceType namespaces;
  private final String readJournal;
  private final SecureRandom random = new SecureRandom();
  private final java.util.Map<String, Admission> admissions;
  private final Caller caller;

  /** The store as this member's own components ({@link Callers#member()}). */
  public Store(ActorSystem<?> system, ResourceRegistry registry) {
    this(system, registry, new java.util.concurrent.ConcurrentHashMap<>(), Callers.get(system).member());
  }

  private Store(ActorSystem<?> system, ResourceRegistry registry, java.util.Map<String, Admission> admissions, Caller caller) {
    this.system = system;
    this.registry = registry;
    this.settings = StoreSettings.from(system);
    this.sharding = ClusterSharding.get(system);
    this.namespaces = registry.byResource("namespaces").orElseThrow();
    this.readJournal = system.settings().config().getString("dirigent.store.read-journal");
    this.admissions = admissions;
    this.caller = caller;
  }

  /**
   * This store as {@code caller}: every command says so, and the entities and indexes allow what
   * {@link io.dirigent.core.auth.StoreAccess} allows it (a node agent: its Node and its pods). The
   * admissions are this store's.
   */
  public Store as(Caller caller) {
    return new Store(system, registry, admissions, java.util.Objects.requireNonNull(caller, "caller"));
  }

  /** Who this store's commands come from. */
  public Caller caller() {
    return caller;
  }

  public ResourceRegistry registry() {
    return registry;
  }

  /** The actor system the store runs in, e.g. to run watch streams. */
  public ActorSystem<?> system() {
    return system;
  }

  // ---- JSON form ----

  /**
   * Creates an object in {@code namespace} (ignored for cluster-scoped kinds). A
   * {@code metadata.generateName} without a name gets a unique generated name.
   */
  public CompletionStage<ObjectNode> create(ResourceType type, String namespace, ObjectNode object, WriteOptions options) {
    if (type.isCustom() && type.custom().terminating()) {
      // As Kubernetes: the objects of a definition being deleted are going, and no new one comes.
      return CompletableFuture.failedFuture(StoreError.of(StoreError.Reason.METHOD_NOT_ALLOWED,
          "create is not supported on resources of kind \"%s\"".formatted(type.resource())).toException());
    }
    boolean generated = object != null && KubeJson.name(object).isEmpty() && !KubeJson.meta(object, "generateName").isEmpty();
    ObjectNode body;
    try {
      body = prepare(type, namespace, object, true);
    } catch (StoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletionStage<Void> namespaceCheck = type.namespaced() ? requireActiveNamespace(KubeJson.namespace(body)) : CompletableFuture.completedFuture(null);
    Admission admission = admissions.get(type.resource());
    if (admission == null) {
      return namespaceCheck.thenCompose(ok -> createNamed(type, body, options, generated, GENERATE_NAME_ATTEMPTS));
    }
    return namespaceCheck.thenCompose(ok -> admission.create(body))
        .thenCompose(admitted -> decided(admitted, options, createNamed(type, admitted.object(), options, generated, GENERATE_NAME_ATTEMPTS)));
  }

  /**
   * Registers the admission step for {@code type}'s creates, updates and deletes (a Service's
   * address allocation). One per resource; the member's bootstrap registers them.
   */
  public void admit(ResourceType type, Admission admission) {
    admissions.put(type.resource(), admission);
  }

  /** Tells the admission how the write ended, then answers the write's outcome unchanged. */
  private static <T> CompletionStage<T> decided(Admission.Admitted admitted, WriteOptions options, CompletionStage<T> write) {
    return write.whenComplete((written, failure) -> {
      if (failure == null) {
        admitted.succeeded(!options.dryRun());
      } else {
        admitted.failed();
      }
    });
  }

  /**
   * Creates {@code body}; a {@code generated} name that is taken already is drawn again, up to
   * {@code attemptsLeft} times. The name was generated, and validated, by {@link #prepare}.
   */
  private CompletionStage<ObjectNode> createNamed(ResourceType type, ObjectNode body, WriteOptions options, boolean generated, int attemptsLeft) {
    CompletionStage<ObjectNode> result = write(type, keyOf(type, body), options, replyTo -> new ObjectEntity.Create(body, options.user(), options.dryRun(), caller, replyTo))
        .thenApply(DeleteResult::object);
    if (!generated || attemptsLeft <= 1) {
      return result;
    }
    return result.handle((created, failure) -> {
      if (failure != null && reasonOf(failure) == StoreError.Reason.ALREADY_EXISTS) {
        ObjectNode renamed = body.deepCopy();
        KubeJson.metadata(renamed).put("name", generatedName(KubeJson.meta(body, "generateName")));
        return createNamed(type, renamed, options, true, attemptsLeft - 1);
      }
      return failure == null ? CompletableFuture.completedFuture(created) : CompletableFuture.<ObjectNode>failedFuture(StoreException.cause(failure));
    }).thenCompose(stage -> stage);
  }

  /**
   * Creates {@code object} unless an object of its name is there already — what every
   * control-plane member makes at start (system namespaces and classes), whichever comes first:
   * the created object, or empty when it was there.
   */
  public CompletionStage<java.util.Optional<ObjectNode>> createIfAbsent(ResourceType type, String namespace, ObjectNode object, WriteOptions options) {
    return create(type, namespace, object, options).thenApply(java.util.Optional::of)
        .exceptionallyCompose(failure -> StoreException.is(failure, StoreError.Reason.ALREADY_EXISTS)
            ? CompletableFuture.completedFuture(java.util.Optional.<ObjectNode>empty()) : CompletableFuture.failedFuture(StoreException.cause(failure)));
  }

  /** The object, or NOT_FOUND. */
  public CompletionStage<ObjectNode> get(ResourceType type, String namespace, String name) {
    ObjectKey key = new ObjectKey(type.resource(), type.namespaced() ? namespace : "", name);
    return current(key).thenApply(current -> {
      if (!current.exists()) {
        throw StoreError.notFound(type.resource(), name).toException();
      }
      return CustomObjects.shown(type, current.latest());
    });
  }

  /**
   * Replaces an object. A {@code metadata.resourceVersion} in the body is a precondition: if the
   * object has moved on, CONFLICT. Without it, the update is unconditional.
   */
  public CompletionStage<ObjectNode> update(ResourceType type, String namespace, ObjectNode object, WriteOptions options) {
    return replace(type, namespace, object, false, options);
  }

  /** Replaces only the status of an object; the rest of the body is ignored. */
  public CompletionStage<ObjectNode> updateStatus(ResourceType type, String namespace, ObjectNode object, WriteOptions options) {
    return replace(type, namespace, object, true, options);
  }

  private CompletionStage<ObjectNode> replace(ResourceType type, String namespace, ObjectNode object, boolean statusOnly, WriteOptions options) {
    ObjectNode body;
    try {
      body = prepare(type, namespace, object, false);
    } catch (StoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    ObjectKey key = keyOf(type, body);
    Admission admission = statusOnly ? null : admissions.get(type.resource());
    if (admission == null) {
      return write(type, key, options, replyTo -> new ObjectEntity.Update(body, statusOnly, options.user(), options.dryRun(), caller, replyTo))
          .thenApply(DeleteResult::object);
    }
    return current(key).thenCompose(current -> {
      if (!current.exists()) {
        throw StoreError.notFound(type.resource(), KubeJson.name(body)).toException();
      }
      return admission.update(current.latest(), body);
    }).thenCompose(admitted -> decided(admitted, options,
        write(type, key, options, replyTo -> new ObjectEntity.Update(admitted.object(), false, options.user(), options.dryRun(), caller, replyTo))
            .thenApply(DeleteResult::object)));
  }

  /** Deletes an object, or marks it for deletion while finalizers or a grace period hold it. */
  public CompletionStage<DeleteResult> delete(ResourceType type, String namespace, String name, DeleteOptions delete, WriteOptions options) {
    if (type == namespaces && ObjectValidator.SYSTEM_NAMESPACES.contains(name)) {
      return CompletableFuture.failedFuture(StoreError.of(StoreError.Reason.FORBIDDEN,
          "namespaces \"%s\" is forbidden: this namespace may not be deleted".formatted(name)).toException());
    }
    ObjectKey key = new ObjectKey(type.resource(), type.namespaced() ? namespace : "", name);
    CompletionStage<DeleteResult> deleted = write(type, key, options, replyTo -> new ObjectEntity.Delete(delete, options.user(), options.dryRun(), caller, replyTo));
    Admission admission = admissions.get(type.resource());
    if (admission == null || options.dryRun()) {
      return deleted;
    }
    return deleted.whenComplete((result, failure) -> {
      if (failure == null && result.deleted()) {
        admission.deleted(result.object());
      }
    });
  }

  /**
   * One page of matching objects, consistent at the returned resourceVersion; with no limit, every
   * matching object. An index on another member answers in pages that fit a frame between
   * members (ResourceIndex.ListObjects): a whole list is put together from them here, at the
   * first page's resourceVersion; with a limit, a page may hold fewer objects, with a continue
   * token, as Kubernetes allows.
   */
  public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
    try {
      options.filter().compile(type);
    } catch (StoreException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (options.limit() > 0) {
      return page(type, options.filter(), options.limit(), options.continueToken());
    }
    return whole(type, options.filter(), options.continueToken())
        .exceptionallyCompose(failure -> options.continueToken() == null && StoreException.is(failure, StoreError.Reason.GONE)
            // A page's position left the index's log (a very busy resource): a list from now.
            ? whole(type, options.filter(), null)
            : CompletableFuture.failedFuture(failure));
  }

  /** Every matching object from {@code continueToken} on, page after page, at the first page's resourceVersion. */
  private CompletionStage<ListResult> whole(ResourceType type, ObjectFilter filter, String continueToken) {
    return page(type, filter, 0, continueToken).thenCompose(first -> rest(type, filter, first, new ArrayList<>()));
  }

  /** The objects of {@code page} and the pages after it, as one list at its resourceVersion. */
  private CompletionStage<ListResult> rest(ResourceType type, ObjectFilter filter, ListResult page, List<ObjectNode> before) {
    if (page.continueToken() == null) {
      if (before.isEmpty()) {
        return CompletableFuture.completedFuture(page);
      }
      before.addAll(page.items());
      return CompletableFuture.completedFuture(new ListResult(before, page.resourceVersion(), null, 0));
    }
    before.addAll(page.items());
    return page(type, filter, 0, page.continueToken()).thenCompose(next -> rest(type, filter, next, before));
  }

  private CompletionStage<ListResult> page(ResourceType type, ObjectFilter filter, int limit, String continueToken) {
    return index(type)
        .<ResourceIndex.ListReply>ask(replyTo -> new ResourceIndex.ListObjects(filter, limit, continueToken, caller, replyTo), settings.askTimeout())
        .handle((reply, failure) -> {
          if (failure != null) {
            throw timeout(failure, "list " + type.resource());
          }
          if (reply instanceof ResourceIndex.ListFailed failed) {
            throw failed.error().toException();
          }
          var listed = (ResourceIndex.Listed) reply;
          List<ObjectNode> items = CustomObjects.converts(type) ? listed.items().stream().map(item -> CustomObjects.shown(type, item)).toList() : listed.items();
          return new ListResult(items, Long.toString(listed.resourceVersion()), listed.continueToken(), listed.remaining());
        });
  }

  /**
   * Watches matching objects, delivering every change after the start exactly once, in order.
   * The stream completes after an ERROR event (410 when the start version is no longer
   * retained: list again) and stops the watch when cancelled.
   */
  public Source<WatchEvent, NotUsed> watch(ResourceType type, WatchOptions options) {
    try {
      options.filter().compile(type);
      options.startVersion();
    } catch (StoreException e) {
      return Source.failed(e);
    }
    return ActorSource.<WatchEvent>actorRef(
            event -> false, event -> java.util.Optional.empty(), settings.watchBuffer(), OverflowStrategy.fail())
        // A buffer this size would otherwise be one array allocated up front (64 KiB per watch,
        // 320 MB for 5,000 watches, most of it never used); a growing one costs what it holds.
        .withAttributes(ActorAttributes.maxFixedBufferSize(WATCH_BUFFER_PREALLOCATED))
        .mapMaterializedValue(target -> watch(type, options, target))
        .takeWhile(event -> event.type() != WatchEvent.Type.ERROR, true)
        .map(event -> CustomObjects.converts(type) && (event.type() != WatchEvent.Type.ERROR && event.type() != WatchEvent.Type.BOOKMARK)
            ? new WatchEvent(event.type(), CustomObjects.shown(type, event.object())) : event)
        .mapMaterializedValue(relay -> NotUsed.getInstance());
  }

  /**
   * Watches matching objects on behalf of an actor: {@code subscriber} receives the events. The
   * watch ends when the subscriber stops, after an ERROR event, or when the returned relay is
   * sent {@link WatchRelay.Stop}.
   */
  public ActorRef<WatchRelay.Command> watch(ResourceType type, WatchOptions options, ActorRef<WatchEvent> subscriber) {
    Long start = options.startVersion();
    ActorRef<WatchRelay.Command> relay = system.systemActorOf(WatchRelay.create(subscriber, settings.askTimeout()), "watch-" + UUID.randomUUID(), Props.empty());
    index(type).tell(new ResourceIndex.Watch(options.filter(), start, options.bookmarks(), caller, relay, subscriber));
    return relay;
  }

  /** Every version the object ever had, oldest first, including deleted incarnations. */
  public CompletionStage<List<HistoryEntry>> history(ResourceType type, String namespace, String name) {
    ObjectKey key = new ObjectKey(type.resource(), type.namespaced() ? namespace : "", name);
    String persistenceId = PersistenceId.of(ObjectEntity.TYPE_KEY.name(), key.entityId()).id();
    CurrentEventsByPersistenceIdQuery journal = PersistenceQuery.get(system)
        .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournal);
    return journal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .map(envelope -> (ObjectEntity.Changed) envelope.event())
        .map(changed -> new HistoryEntry(changed.resourceVersion(), changed.time(), changed.operation(), changed.user(), changed.object()))
        .runWith(Sink.seq(), system)
        .thenApply(entries -> {
          if (entries.isEmpty()) {
            throw StoreError.notFound(type.resource(), name).toException();
          }
          return List.copyOf(entries);
        });
  }

  // ---- typed form ----

  public <T extends HasMetadata> CompletionStage<T> create(T object) {
    return create(object, WriteOptions.DEFAULT);
  }

  public <T extends HasMetadata> CompletionStage<T> create(T object, WriteOptions options) {
    return typedWrite(object, (type, namespace, tree) -> create(type, namespace, tree, options));
  }

  public <T extends HasMetadata> CompletionStage<T> get(Class<T> kind, String namespace, String name) {
    return attempt(() -> get(registry.of(kind), namespace, name).thenApply(found -> KubeJson.toTyped(found, kind)));
  }

  public <T extends HasMetadata> CompletionStage<T> update(T object) {
    return update(object, WriteOptions.DEFAULT);
  }

  public <T extends HasMetadata> CompletionStage<T> update(T object, WriteOptions options) {
    return typedWrite(object, (type, namespace, tree) -> update(type, namespace, tree, options));
  }

  public <T extends HasMetadata> CompletionStage<T> updateStatus(T object) {
    return typedWrite(object, (type, namespace, tree) -> updateStatus(type, namespace, tree, WriteOptions.DEFAULT));
  }

  public <T extends HasMetadata> CompletionStage<DeleteResult> delete(Class<T> kind, String namespace, String name, DeleteOptions options) {
    return attempt(() -> delete(registry.of(kind), namespace, name, options, WriteOptions.DEFAULT));
  }

  public <T extends HasMetadata> CompletionStage<ListResult> list(Class<T> kind, ListOptions options) {
    return attempt(() -> list(registry.of(kind), options));
  }

  public <T extends HasMetadata> Source<WatchEvent, NotUsed> watch(Class<T> kind, WatchOptions options) {
    try {
      return watch(registry.of(kind), options);
    } catch (IllegalArgumentException e) {
      return Source.failed(badRequest(e));
    }
  }

  public <T extends HasMetadata> CompletionStage<List<HistoryEntry>> history(Class<T> kind, String namespace, String name) {
    return attempt(() -> history(registry.of(kind), namespace, name));
  }

  // ---- internals ----

  private interface TreeWrite {
    CompletionStage<ObjectNode> apply(ResourceType type, String namespace, ObjectNode tree);
  }

  /** A write of a model object: its kind must be served; the answer comes back in its class. */
  private <T extends HasMetadata> CompletionStage<T> typedWrite(T object, TreeWrite write) {
    return attempt(() -> {
      if (object == null) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "no object in the request").toException();
      }
      ResourceType type = registry.of(object.getClass());
      String namespace = object.getMetadata() == null ? null : object.getMetadata().getNamespace();
      return write.apply(type, namespace, KubeJson.toTree(object)).thenApply(written -> typed(written, object));
    });
  }

  /** Runs {@code operation}, turning what it throws into a failed stage rather than an exception. */
  private static <T> CompletionStage<T> attempt(java.util.function.Supplier<CompletionStage<T>> operation) {
    try {
      return operation.get();
    } catch (StoreException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(badRequest(e));
    }
  }

  private static StoreException badRequest(IllegalArgumentException e) {
    return StoreError.of(StoreError.Reason.BAD_REQUEST, e.getMessage()).toException();
  }

  // ---- internals ----

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> T typed(ObjectNode tree, T like) {
    return (T) KubeJson.toTyped(tree, like.getClass());
  }

  /** Validates and normalizes a body for {@code namespace}; INVALID or BAD_REQUEST when wrong. */
  private ObjectNode prepare(ResourceType type, String namespace, ObjectNode object, boolean create) {
    if (object == null) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "no object in the request").toException();
    }
    ObjectNode body = object.deepCopy();
    String bodyNamespace = KubeJson.namespace(body);
    if (type.namespaced()) {
      String target = namespace == null || namespace.isEmpty() ? bodyNamespace : namespace;
      if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(target)) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST,
            "the namespace of the provided object (%s) does not match the namespace sent on the request (%s)".formatted(bodyNamespace, target)).toException();
      }
      KubeJson.metadata(body).put("namespace", target.isEmpty() ? "default" : target);
    } else {
      KubeJson.metadata(body).remove("namespace");
    }
    TypeCheck.problem(type, body).ifPresent(problem -> {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "%s in version \"%s\" cannot be handled as a %s: %s"
          .formatted(type.kind(), type.version(), type.kind(), problem)).toException();
    });
    if (create && KubeJson.name(body).isEmpty() && !KubeJson.meta(body, "generateName").isEmpty()) {
      // As Kubernetes: the name is generated before validation, so the name with its suffix is checked.
      KubeJson.metadata(body).put("name", generatedName(KubeJson.meta(body, "generateName")));
    }
    Defaults.apply(type, body);
    List<FieldError> errors = new ArrayList<>(type.isCustom() ? CustomObjects.prepare(type, body) : List.of());
    errors.addAll(ObjectValidator.validate(type, body, create));
    if (!errors.isEmpty()) {
      // Kubernetes names the kind with its group: CronJob.batch "x" is invalid.
      throw StoreError.invalid(type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group(), KubeJson.name(body), errors).toException();
    }
    long size = encodedSize(body);
    if (size > settings.maxObjectBytes()) {
      throw StoreError.of(StoreError.Reason.TOO_LARGE, "the %s is %d bytes, more than the %d bytes an object may hold"
          .formatted(type.singular(), size, settings.maxObjectBytes())).toException();
    }
    return body;
  }

  private static long encodedSize(ObjectNode body) {
    try {
      return KubeJson.MAPPER.writeValueAsBytes(body).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "the object cannot be encoded: " + e.getOriginalMessage()).toException();
    }
  }

  private CompletionStage<Void> requireActiveNamespace(String namespace) {
    return current(new ObjectKey(namespaces.resource(), "", namespace)).thenAccept(current -> {
      if (!current.exists()) {
        throw StoreError.notFound("namespaces", namespace).toException();
      }
      if (current.latest().path("metadata").hasNonNull("deletionTimestamp")) {
        throw StoreError.of(StoreError.Reason.FORBIDDEN,
            "unable to create new content in namespace %s because it is being terminated".formatted(namespace)).toException();
      }
    });
  }

  private CompletionStage<ObjectEntity.Current> current(ObjectKey key) {
    return entity(key).<ObjectEntity.Current>ask(replyTo -> new ObjectEntity.Get(caller, replyTo), settings.askTimeout())
        .handle((current, failure) -> {
          if (failure != null) {
            throw timeout(failure, "read " + key);
          }
          if (current.refused() != null) {
            throw current.refused().toException();
          }
          return current;
        });
  }

  /**
   * Sends a write to its entity and answers its outcome. A definition written (not a dry run)
   * changes what this member serves at once: the next request here finds its resource, before the
   * other members' watches bring it to them.
   */
  private CompletionStage<DeleteResult> write(ResourceType type, ObjectKey key, WriteOptions options,
      java.util.function.Function<ActorRef<ObjectEntity.Reply>, ObjectEntity.Command> command) {
    CompletionStage<DeleteResult> written = send(key, command);
    if (CustomObjects.converts(type)) {
      return written.thenApply(result -> new DeleteResult(CustomObjects.shown(type, result.object()), result.deleted()));
    }
    if (!key.resource().equals(CustomResources.DEFINITIONS) || options.dryRun()) {
      return written;
    }
    return written.thenApply(result -> {
      CustomResources.learn(registry, result.object(), result.deleted());
      return result;
    });
  }

  private CompletionStage<DeleteResult> send(ObjectKey key, java.util.function.Function<ActorRef<ObjectEntity.Reply>, ObjectEntity.Command> command) {
    long start = System.nanoTime();
    return entity(key).ask(command::apply, settings.askTimeout())
        .handle((reply, failure) -> {
          writeTimer(key.resource(), failure != null ? "timeout" : reply instanceof ObjectEntity.Rejected ? "rejected" : "ok")
              .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          if (failure != null) {
            throw timeout(failure, "write " + key);
          }
          if (reply instanceof ObjectEntity.Rejected rejected) {
            throw rejected.error().toException();
          }
          var accepted = (ObjectEntity.Accepted) reply;
          return new DeleteResult(accepted.object(), accepted.deleted());
        });
  }

  /**
   * How long writes take from the client's call to the entity's answer, per resource and result,
   * in Micrometer's global registry (the API server publishes it).
   */
  private static Timer writeTimer(String resource, String result) {
    return Timer.builder("dirigent.store.write")
        .description("Object store writes, from the client's call to the entity's answer")
        .tag("resource", resource)
        .tag("result", result)
        .publishPercentileHistogram()
        .register(Metrics.globalRegistry);
  }

  private EntityRef<ObjectEntity.Command> entity(ObjectKey key) {
    return sharding.entityRefFor(ObjectEntity.TYPE_KEY, key.entityId());
  }

  private EntityRef<ResourceIndex.Command> index(ResourceType type) {
    return sharding.entityRefFor(ResourceIndex.TYPE_KEY, type.resource());
  }

  private static ObjectKey keyOf(ResourceType type, ObjectNode body) {
    return new ObjectKey(type.resource(), type.namespaced() ? KubeJson.namespace(body) : "", KubeJson.name(body));
  }

  /** {@code prefix}, cut to leave room, and a random suffix: names.SimpleNameGenerator's rule. */
  private String generatedName(String prefix) {
    StringBuilder name = new StringBuilder(prefix.length() > GENERATED_PREFIX_MAX ? prefix.substring(0, GENERATED_PREFIX_MAX) : prefix);
    for (int i = 0; i < SUFFIX_LENGTH; i++) {
      name.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return name.toString();
  }

  private RuntimeException timeout(Throwable failure, String what) {
    Throwable cause = StoreException.cause(failure);
    if (cause instanceof StoreException e) {
      return e;
    }
    if (cause instanceof TimeoutException) {
      return StoreError.of(StoreError.Reason.TIMEOUT,
          "the store did not answer to %s within %s; the operation may or may not have happened".formatted(what, settings.askTimeout())).toException();
    }
    return StoreError.of(StoreError.Reason.UNAVAILABLE, "the store failed to %s: %s".formatted(what, cause)).toException();
  }

  private static StoreError.Reason reasonOf(Throwable failure) {
    return StoreException.cause(failure) instanceof StoreException e ? e.reason() : null;
  }
}
