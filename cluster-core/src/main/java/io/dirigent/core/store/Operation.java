package io.dirigent.core.store;

/** What a write did to an object; recorded with every version in its history. */
public enum Operation {
  /** The object was created. */
  CREATE,
  /** Its spec or metadata was replaced. */
  UPDATE,
  /** Only its status changed. */
  UPDATE_STATUS,
  /** It was marked for deletion: finalizers or a grace period keep it a while. */
  DELETE_REQUESTED,
  /** It is gone. */
  DELETE
}
