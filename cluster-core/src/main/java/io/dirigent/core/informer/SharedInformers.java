package io.dirigent.core.informer;

import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Hands out one {@link SharedInformer} per resource — client-go's SharedInformerFactory: the
 * first consumer to ask for a resource starts its informer, every later one gets the same
 * {@link SharedInformer.Handle}. The informers are children of the actor that owns the factory,
 * watched by it: one that stops ends that actor unless it handles the {@code Terminated} signal
 * (a supervisor then starts it again, informers and all, from fresh lists).
 *
 * <p>Not thread-safe: asked only on the owning actor's thread, typically while it sets up the
 * consumers. The handles it gives are immutable and may go anywhere.
 */
public final class SharedInformers {

  private final ActorContext<?> context;
  private final Store store;
  private final Duration relistDelay;
  private final List<Index> indexes;
  private final Map<String, SharedInformer.Handle> started = new LinkedHashMap<>();

  /** Informers on {@code store}, children of {@code context}'s actor, whose stores index by {@code indexes}. */
  public SharedInformers(ActorContext<?> context, Store store, Duration relistDelay, List<Index> indexes) {
    this.context = context;
    this.store = store;
    this.relistDelay = relistDelay;
    this.indexes = List.copyOf(indexes);
  }

  public SharedInformer.Handle of(Class<? extends HasMetadata> kind) {
    return of(store.registry().of(kind));
  }

  /** The informer on {@code type}, started now if it is the first time it is asked for. */
  public SharedInformer.Handle of(ResourceType type) {
    return started.computeIfAbsent(name(type), name -> {
      InformerStore objects = new InformerStore(indexes);
      ActorRef<SharedInformer.Command> informer = context.spawn(SharedInformer.create(store, type, objects, relistDelay), name);
      context.watch(informer);
      return new SharedInformer.Handle(type, informer, objects);
    });
  }

  /** The informers started so far, in the order they were first asked for. */
  public List<SharedInformer.Handle> started() {
    return List.copyOf(started.values());
  }

  private static String name(ResourceType type) {
    return "informer-" + type.resource();
  }
}
