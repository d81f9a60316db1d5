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
}
