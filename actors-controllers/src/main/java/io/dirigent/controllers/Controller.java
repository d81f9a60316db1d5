package io.dirigent.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One control loop, Kubernetes style: the informers' events only say which keys to look at;
 * {@link #reconcile} does the work for one key — level-triggered and idempotent: read the desired
 * and observed state from the cache, act on the difference, write status. A failed reconcile is
 * retried with back-off. {@link ControllerLoop} runs it, on the controller manager's shared
 * informers: the {@link Cache} it is given is their stores, which other loops read too.
 */
public interface Controller {

  String name();

  /** The kinds the loop follows; the first is the kind whose keys are reconciled. */
  List<Watch> watches();

  /**
   * Brings one object's world in line with its spec. Runs on the loop's actor, with the cache at
   * least as new as every change the loop has heard of (the shared stores may be newer: a change
   * whose event is on its way queues the key again). It reads the cache here, where it decides —
   * an index lookup rather than a scan where one fits ({@link Cache#indexed}); the stage it
   * answers is the asynchronous part (the writes), which gets what it needs passed on and does
   * not read the cache. A stage that completes with a {@link java.time.Duration} asks for the key
   * to be looked at again after it (something will change with time alone, such as
   * minReadySeconds passing).
   */
  CompletionStage<?> reconcile(String key, Cache cache);

  /** Every key there is to reconcile, for the periodic resync: by default, the first kind's objects. */
  default Collection<String> allKeys(Cache cache) {
    return cache.keys(watches().get(0).kind());
  }

  /** A change one informer saw. {@code previous} is the version the informer's store held before (null if none or deleted). */
  record Change(ObjectNode object, ObjectNode previous, boolean deleted) {}

  /**
   * A followed kind and which reconcile keys each change of it concerns. {@code keys} runs on the
   * loop's actor with the cache already holding the change, and may note what it observes
   * (expectations).
   */
  record Watch(Class<? extends HasMetadata> kind, KeyMapper keys) {}

  @FunctionalInterface
  interface KeyMapper {
    Collection<String> keys(Change change, Cache cache);
  }
}
