package io.dirigent.core;

/**
 * Marker for an actor's messages to itself (answers piped back, timers, internal steps), and for
 * the protocols of a member's own actors that no other member reaches by design (its informers,
 * its node agent and pod workers, the singletons' control loops, which take nothing from outside):
 * they are in their protocol's sealed hierarchy, and so {@link CborSerializable}, but never cross a
 * member boundary. They are bound to {@link LocalOnlySerializer}, which serializes nothing and reads
 * nothing, so no other member can send one — a forged "the index granted this version" or "the
 * pods' index found a reference" is refused on arrival. Not being meant to cross, they are exempt
 * from {@code pekko.actor.serialize-messages}, which every test member turns on for everything else.
 */
public interface LocalOnly extends CborSerializable, org.apache.pekko.actor.NoSerializationVerificationNeeded {}
