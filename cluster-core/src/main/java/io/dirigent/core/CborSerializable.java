package io.dirigent.core;

/**
 * Marker for every message and event that crosses an actor boundary or reaches a journal. It is
 * bound to Jackson CBOR once, in {@code reference.conf}; Java serialization is off.
 */
public interface CborSerializable {}
