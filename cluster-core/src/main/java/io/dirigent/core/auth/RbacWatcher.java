package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps this member's view of the RBAC objects current: an informer per kind, and after every
 * change (several changes that arrive together count as one) a new immutable {@link RbacPolicy}
 * that request threads read without locking. The API server's authorizer reads it.
 */
public final class RbacWatcher {

  private enum Kind {
    CLUSTER_ROLES("clusterroles.rbac.authorization.k8s.io"),
    ROLES("roles.rbac.authorization.k8s.io"),
    CLUSTER_ROLE_BINDINGS("clusterrolebindings.rbac.authorization.k8s.io"),
    ROLE_BINDINGS("rolebindings.rbac.authorization.k8s.io");

    final String resource;

    Kind(String resource) {
      this.resource = resource;
    }
  }

  /** Local: its informers' events and its own timer; the watcher takes nothing from outside. */
  sealed interface Command extends LocalOnly {}

  private record Changed(Kind kind, Informer.Event event) implements Command {}

  private record Publish() implements Command {}

  private final AtomicReference<RbacPolicy> current = new AtomicReference<>(RbacPolicy.EMPTY);
  private final CompletableFuture<Void> synced = new CompletableFuture<>();

  private RbacWatcher() {}

  /** Starts following the RBAC objects of {@code store} on {@code system}. */
  public static RbacWatcher start(ActorSystem<?> system, Store store, String name) {
    RbacWatcher watcher = new RbacWatcher();
    system.systemActorOf(watcher.behavior(store, relistDelay(system.settings().config())), name, Props.empty());
    return watcher;
  }

  /** The pause before the watcher's informers list again after their watch ended: {@code dirigent.api.relist-delay}. */
  public static Duration relistDelay(com.typesafe.config.Config config) {
    Duration delay = config.getDuration("dirigent.api.relist-delay");
    if (delay.isNegative() || delay.isZero()) {
      throw new IllegalArgumentException("dirigent.api.relist-delay must be longer than zero: " + delay);
    }
    return delay;
  }

  /** The policy as of the last change this member saw; {@link RbacPolicy#EMPTY} until {@link #synced()}. */
  public RbacPolicy policy() {
    return current.get();
  }

  /** Completes once every RBAC kind has been listed. */
  public CompletionStage<Void> synced() {
    return synced;
  }

  public boolean isSynced() {
    return synced.isDone();
  }

  private Behavior<Command> behavior(Store store, Duration relistDelay) {
    return Behaviors.setup(context -> {
      for (Kind kind : Kind.values()) {
        var relay = context.spawn(Informer.relay(context.getSelf(), event -> new Changed(kind, event)), kind.name().toLowerCase() + "-events");
        context.spawn(Informer.create(store, store.registry().byResource(kind.resource).orElseThrow(), ObjectFilter.ALL, relay,
            relistDelay), kind.name().toLowerCase());
      }
      return new Objects(context).behavior();
    });
  }

  /** The watcher's actor: the objects of each kind, by {@code namespace/name}. */
  private final class Objects {
    private final ActorContext<Command> context;
    private final Map<Kind, Map<String, ObjectNode>> objects = new EnumMap<>(Kind.class);
    private final java.util.Set<Kind> listed = java.util.EnumSet.noneOf(Kind.class);
    private boolean publishing;

    Objects(ActorContext<Command> context) {
      this.context = context;
      for (Kind kind : Kind.values()) {
        objects.put(kind, new HashMap<>());
      }
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Changed.class, this::changed)
          .onMessage(Publish.class, publish -> publish())
          .build();
    }

    private Behavior<Command> changed(Changed changed) {
      Map<String, ObjectNode> ofKind = objects.get(changed.kind());
      if (changed.event() instanceof Informer.Upserted upserted) {
        ofKind.put(key(upserted.object()), upserted.object());
      } else if (changed.event() instanceof Informer.Deleted deleted) {
        ofKind.remove(key(deleted.object()));
      } else if (changed.event() instanceof Informer.Synced all) {
        ofKind.clear();
        all.objects().forEach(object -> ofKind.put(key(object), object));
        listed.add(changed.kind());
      }
      if (!publishing && listed.size() == Kind.values().length) {
        // Whatever else is already in the mailbox is applied before the policy is rebuilt.
        publishing = true;
        context.getSelf().tell(new Publish());
      }
      return Behaviors.same();
    }

    private Behavior<Command> publish() {
      publishing = false;
      current.set(RbacPolicy.of(objects.get(Kind.CLUSTER_ROLES).values(), objects.get(Kind.ROLES).values(),
          objects.get(Kind.CLUSTER_ROLE_BINDINGS).values(), objects.get(Kind.ROLE_BINDINGS).values()));
      synced.complete(null);
      return Behaviors.same();
    }

    private String key(ObjectNode object) {
      return KubeJson.namespace(object) + "/" + KubeJson.name(object);
    }
  }
}
