package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.Store;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps a member's registry serving what the CustomResourceDefinitions establish: one informer on
 * the definitions, each change applied to the registry as it arrives. The member that writes a
 * definition applies it at once as well ({@link CustomResources#learn}); this brings every other
 * member along within a watch event's time.
 */
public final class CustomResourceWatcher {

  private CustomResourceWatcher() {}

  /**
   * Starts following the definitions of {@code store} into its registry; completes once they have
   * been listed the first time (the member serves every custom resource there is).
   */
  public static CompletionStage<Void> start(ActorSystem<?> system, Store store, Duration relistDelay) {
    ResourceRegistry registry = store.registry();
    CompletableFuture<Void> synced = new CompletableFuture<>();
    ResourceType definitions = registry.byResource(CustomResources.DEFINITIONS).orElseThrow();
    system.systemActorOf(Behaviors.<Informer.Event>setup(context -> {
      context.spawn(Informer.create(store, definitions, ObjectFilter.ALL, context.getSelf(), relistDelay), "informer");
      return Behaviors.receiveMessage(event -> {
        if (event instanceof Informer.Upserted upserted) {
          CustomResources.learn(registry, upserted.object(), false);
        } else if (event instanceof Informer.Deleted deleted) {
          CustomResources.learn(registry, deleted.object(), true);
        } else if (event instanceof Informer.Synced listed) {
          resync(registry, listed);
          synced.complete(null);
        }
        return Behaviors.same();
      });
    }), "custom-resources", Props.empty());
    return synced;
  }

  /** A full listing: what it holds is learned, custom resources of definitions no longer there are forgotten. */
  private static void resync(ResourceRegistry registry, Informer.Synced synced) {
    Set<String> present = new HashSet<>();
    for (ObjectNode definition : synced.objects()) {
      present.add(KubeJson.name(definition));
      CustomResources.learn(registry, definition, false);
    }
    registry.all().stream().filter(ResourceType::isCustom).map(ResourceType::resource).filter(resource -> !present.contains(resource))
        .toList().forEach(registry::forget);
  }
}
