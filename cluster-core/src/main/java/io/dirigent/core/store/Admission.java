package io.dirigent.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionStage;

/**
 * A step between a validated write and its entity, for kinds whose writes need more than the
 * object itself — Kubernetes' mutating admission with side effects, such as a Service's
 * ClusterIP allocation. It may change the object or refuse the write; what it reserved is kept
 * when the write succeeds and given back when it fails.
 */
public interface Admission {

  /** What an admitted write carries: the object to write, and what to do once the write is decided. */
  interface Admitted {
    ObjectNode object();

    /** The write happened (or, for a dry run, was only checked: then {@code persisted} is false). */
    void succeeded(boolean persisted);

    void failed();

    /** An admitted write that reserved nothing: nothing to keep or give back afterwards. */
    static Admitted of(ObjectNode object) {
      return new Admitted() {
        @Override
        public ObjectNode object() {
          return object;
        }

        @Override
        public void succeeded(boolean persisted) {
          // Nothing was reserved.
        }

        @Override
        public void failed() {
          // Nothing to give back.
        }
      };
    }
  }

  CompletionStage<Admitted> create(ObjectNode object);

  /** {@code current} is the object as the store has it now. */
  CompletionStage<Admitted> update(ObjectNode current, ObjectNode object);

  /** The object is gone from the store. */
  void deleted(ObjectNode object);

  /**
   * This admission, then {@code next} on what this one admitted (a mutating step before a
   * validating one); when {@code next} refuses, what this one reserved is given back.
   */
  default Admission then(Admission next) {
    Admission first = this;
    return new Admission() {
      @Override
      public CompletionStage<Admitted> create(ObjectNode object) {
        return first.create(object).thenCompose(admitted -> chained(admitted, next.create(admitted.object())));
      }

      @Override
      public CompletionStage<Admitted> update(ObjectNode current, ObjectNode object) {
        return first.update(current, object).thenCompose(admitted -> chained(admitted, next.update(current, admitted.object())));
      }

      @Override
      public void deleted(ObjectNode object) {
        first.deleted(object);
        next.deleted(object);
      }
    };
  }

  private static CompletionStage<Admitted> chained(Admitted first, CompletionStage<Admitted> second) {
    return second.handle((admitted, failure) -> {
      if (failure != null) {
        first.failed();
        throw failure instanceof java.util.concurrent.CompletionException c ? c : new java.util.concurrent.CompletionException(failure);
      }
      return (Admitted) new Admitted() {
        @Override
        public ObjectNode object() {
          return admitted.object();
        }

        @Override
        public void succeeded(boolean persisted) {
          first.succeeded(persisted);
          admitted.succeeded(persisted);
        }

        @Override
        public void failed() {
          first.failed();
          admitted.failed();
        }
      };
    });
  }
}
