package io.dirigent.controllers;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.informer.Index;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which objects a controller owns, as Kubernetes' ControllerRefManager decides it: its own that
 * still match its selector; orphans that match (no controller of their own, not being deleted)
 * are adopted, and its own that no longer match are released. Objects another controller owns
 * are never touched.
 *
 * <p>Before it adopts anything it reads the owner again from the store: an owner the cache still
 * shows may have been deleted, and must not adopt.
 */
final class ControllerRefs {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerRefs.class);

  private ControllerRefs() {}

  /**
   * The objects among {@code candidates} (all in the owner's namespace) that {@code owner}
   * controls once the adoptions and releases this needs are written. A write that conflicts with
   * a concurrent change fails the stage, and the controller's next pass claims again.
   */
  static <T extends HasMetadata> CompletionStage<List<T>> claim(Store store, HasMetadata owner, LabelSelector selector, List<T> candidates) {
    Claims<T> claims = decide(owner, selector, candidates);
    if (claims.orphans().isEmpty() && claims.released().isEmpty()) {
      return CompletableFuture.completedFuture(claims.owned());
    }
    String uid = owner.getMetadata().getUid();
    List<T> orphans = claims.orphans();
    LOG.debug("claiming owner={} {} adopting={} releasing={}", owner.getKind(), Cache.key(owner), Cache.names(orphans), Cache.names(claims.released()));
    List<T> claimed = new ArrayList<>(claims.owned());
    List<CompletableFuture<Void>> releases = claims.released().stream()
        .map(object -> write(store, released(object, uid)).thenAccept(written -> { }).toCompletableFuture())
        .toList();
    CompletionStage<List<T>> adopted = orphans.isEmpty()
        ? CompletableFuture.completedFuture(List.of())
        : stillLive(store, owner).thenCompose(live -> {
          if (!live) {
            LOG.debug("not adopting owner={} {}: the store has it gone or being deleted", owner.getKind(), Cache.key(owner));
            return CompletableFuture.completedFuture(List.<T>of());
          }
          return adopt(store, owner, orphans);
        });
    return CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
        .thenCombine(adopted, (done, newlyOwned) -> {
          claimed.addAll(newlyOwned);
          return claimed;
        });
  }

  /**
   * What {@code owner} claims of {@code candidates}, before anything is written: those it owns that
   * still match its selector (kept even while it is being deleted, which takes no write); the
   * orphans it would adopt — matching, not being deleted, and only while the owner is not being
   * deleted, and in the owner's namespace; and those it owns that stopped matching, to release — unless it is being deleted.
   * What another controller owns is in none of them.
   */
  static <T extends HasMetadata> Claims<T> decide(HasMetadata owner, LabelSelector selector, List<T> candidates) {
    String uid = owner.getMetadata().getUid();
    boolean ownerGoing = owner.getMetadata().getDeletionTimestamp() != null;
    List<T> owned = new ArrayList<>();
    List<T> orphans = new ArrayList<>();
    List<T> released = new ArrayList<>();
    for (T candidate : candidates) {
      Optional<OwnerReference> controller = Owners.controllerOf(candidate);
      boolean matches = Owners.matches(selector, candidate.getMetadata().getLabels());
      if (controller.isPresent()) {
        if (!controller.get().getUid().equals(uid)) {
          continue;
        }
        if (matches) {
          owned.add(candidate);
        } else if (!ownerGoing) {
          released.add(candidate);
        }
      } else if (matches && !ownerGoing && candidate.getMetadata().getDeletionTimestamp() == null
          && Objects.equals(owner.getMetadata().getNamespace(), candidate.getMetadata().getNamespace())) {
        orphans.add(candidate);
      }
    }
    return new Claims<>(owned, orphans, released);
  }

  /** What a claim decided: owned as they are, orphans to adopt, own objects to release. */
  record Claims<T extends HasMetadata>(List<T> owned, List<T> orphans, List<T> released) {
    Claims {
      owned = List.copyOf(owned);
      orphans = List.copyOf(orphans);
      released = List.copyOf(released);
    }
  }

  /**
   * What {@code owner} may claim of {@code kind}: the objects it controls and its namespace's
   * orphans, from the cache's indexes ({@link Index#CONTROLLER}, {@link Index#UNCONTROLLED}) —
   * the others have a controller of their own and are never touched.
   */
  static <T extends HasMetadata> List<T> candidates(Cache cache, Class<T> kind, HasMetadata owner) {
    List<T> candidates = new ArrayList<>(cache.indexed(kind, Index.CONTROLLER, owner.getMetadata().getUid()));
    candidates.addAll(cache.indexed(kind, Index.UNCONTROLLED, owner.getMetadata().getNamespace()));
    return candidates;
  }

  /**
   * For a change to an orphan (an object with no controller, not deleted): the keys of the owners
   * of {@code ownerKind} in its namespace whose selector matches it, so that they reconcile and
   * adopt it. None for an object that has a controller.
   */
  static <O extends HasMetadata> List<String> adopters(
      Controller.Change change, Cache cache, Class<O> ownerKind, Function<O, LabelSelector> selector) {
    if (change.deleted() || Owners.controllerRef(change.object()).isPresent()) {
      return List.of();
    }
    Map<String, String> labels = KubeJson.stringMap(change.object().path("metadata"), "labels");
    List<String> keys = new ArrayList<>();
    for (O owner : cache.list(ownerKind, KubeJson.namespace(change.object()))) {
      if (Owners.matches(selector.apply(owner), labels)) {
        keys.add(Cache.key(owner));
      }
    }
    return keys;
  }

  private static <T extends HasMetadata> CompletionStage<List<T>> adopt(Store store, HasMetadata owner, List<T> orphans) {
    List<CompletableFuture<Optional<T>>> writes = orphans.stream()
        .map(orphan -> write(store, adopted(orphan, owner)).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<T> owned = new ArrayList<>();
      writes.forEach(write -> write.join().ifPresent(owned::add));
      if (!owned.isEmpty()) {
        LOG.info("adopted owner={}/{} kind={} count={}", owner.getKind(), owner.getMetadata().getName(), owned.get(0).getKind(), owned.size());
      }
      return owned;
    });
  }

  /** Whether the owner, read from the store now, is the same object and is not being deleted. */
  private static CompletionStage<Boolean> stillLive(Store store, HasMetadata owner) {
    @SuppressWarnings("unchecked")
    Class<HasMetadata> kind = (Class<HasMetadata>) owner.getClass();
    return store.get(kind, owner.getMetadata().getNamespace(), owner.getMetadata().getName())
        .handle((fresh, failure) -> {
          if (failure != null) {
            if (isGone(failure)) {
              return false;
            }
            throw new CompletionException(StoreException.cause(failure));
          }
          return fresh.getMetadata().getUid().equals(owner.getMetadata().getUid()) && fresh.getMetadata().getDeletionTimestamp() == null;
        });
  }

  private static <T extends HasMetadata> T adopted(T orphan, HasMetadata owner) {
    T copy = Cache.copy(orphan);
    List<OwnerReference> references = new ArrayList<>(copy.getMetadata().getOwnerReferences() == null ? List.of() : copy.getMetadata().getOwnerReferences());
    references.add(Owners.reference(owner));
    copy.getMetadata().setOwnerReferences(references);
    return copy;
  }

  private static <T extends HasMetadata> T released(T object, String ownerUid) {
    T copy = Cache.copy(object);
    List<OwnerReference> references = new ArrayList<>(copy.getMetadata().getOwnerReferences());
    references.removeIf(reference -> ownerUid.equals(reference.getUid()));
    copy.getMetadata().setOwnerReferences(references);
    return copy;
  }

  /**
   * Writes a changed object on the version read (the cache's resourceVersion is the
   * precondition); one that is gone meanwhile is simply not claimed.
   */
  private static <T extends HasMetadata> CompletionStage<Optional<T>> write(Store store, T changed) {
    return store.update(changed).handle((written, failure) -> {
      if (failure == null) {
        return Optional.of(written);
      }
      if (isGone(failure)) {
        return Optional.<T>empty();
      }
      throw new CompletionException(StoreException.cause(failure));
    });
  }

  private static boolean isGone(Throwable failure) {
    return StoreException.is(failure, StoreError.Reason.NOT_FOUND);
  }
}
