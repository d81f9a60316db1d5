package io.dirigent.core;

import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/** Refuses {@link LocalOnly} messages both ways: they never leave, nor arrive from, another member. */
public final class LocalOnlySerializer extends SerializerWithStringManifest {

  private static final int IDENTIFIER = 731_002;

  public LocalOnlySerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return o.getClass().getName();
  }

  @Override
  public byte[] toBinary(Object o) {
    throw new IllegalArgumentException(o.getClass().getName() + " is an actor's message to itself and is never sent to another member");
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    throw new NotSerializableException(manifest + " is an actor's message to itself: refused from another member");
  }
}
