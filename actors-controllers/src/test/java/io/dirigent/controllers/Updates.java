package io.dirigent.controllers;

import io.dirigent.core.store.Store;
import io.dirigent.core.testing.Await;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.function.Consumer;

/** Updates as a client makes them while controllers write the same objects: read, change, write, again on a conflict. */
final class Updates {

  private Updates() {}

  static <T extends HasMetadata> void change(Store store, Class<T> kind, String namespace, String name, Consumer<T> change) {
    Await.until("updated " + kind.getSimpleName() + " " + name, Duration.ofSeconds(30), () -> store.get(kind, namespace, name)
        .thenCompose(current -> {
          change.accept(current);
          return store.update(current);
        }).toCompletableFuture().handle((done, failure) -> failure == null).join());
  }
}
