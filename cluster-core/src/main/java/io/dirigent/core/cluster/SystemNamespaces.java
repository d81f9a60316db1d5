package io.dirigent.core.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.dirigent.core.store.WriteOptions;
import io.dirigent.core.validation.ObjectValidator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Makes sure the namespaces Kubernetes always has exist ({@code default}, {@code kube-system},
 * {@code kube-public}, {@code kube-node-lease}), retrying until the store answers. Doing so is
 * also the proof that the store works: a member is ready only after it.
 */
final class SystemNamespaces {

  private static final int ATTEMPTS = 30;
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private SystemNamespaces() {}

  static CompletionStage<Void> ensure(ActorSystem<?> system, Store store) {
    ResourceType namespaces = store.registry().byResource("namespaces").orElseThrow();
    CompletableFuture<?>[] all = ObjectValidator.SYSTEM_NAMESPACES.stream()
        .map(name -> ensureOne(system, store, namespaces, name, ATTEMPTS).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all);
  }

  private static CompletionStage<Void> ensureOne(ActorSystem<?> system, Store store, ResourceType namespaces, String name, int attemptsLeft) {
    ObjectNode namespace = JsonNodeFactory.instance.objectNode();
    namespace.putObject("metadata").put("name", name);
    return store.create(namespaces, null, namespace, WriteOptions.by("system:dirigent"))
        .<Void>thenApply(created -> null)
        .exceptionallyCompose(failure -> {
          Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
          if (cause instanceof StoreException e && e.reason() == StoreError.Reason.ALREADY_EXISTS) {
            return CompletableFuture.completedFuture(null);
          }
          if (attemptsLeft <= 1) {
            return CompletableFuture.failedFuture(cause);
          }
          system.log().info("waiting for the store to create namespace {}: {}", name, cause.getMessage());
          // Not Patterns.after: its stage never completes when the value is null, as a Void is.
          Executor later = CompletableFuture.delayedExecutor(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS, system.executionContext());
          return CompletableFuture.runAsync(() -> { }, later)
              .thenCompose(retry -> ensureOne(system, store, namespaces, name, attemptsLeft - 1));
        });
  }
}
