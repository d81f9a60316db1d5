package io.dirigent.controllers;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What a test says the cluster knows of its members: unknown members are gone; impaired while {@link #impaired} is set. */
final class FakeMembers implements MemberView {

  final Map<String, Evidence> evidence = new ConcurrentHashMap<>();
  volatile String impaired;

  @Override
  public Evidence of(String address) {
    return evidence.getOrDefault(address, Evidence.GONE);
  }

  @Override
  public Optional<String> impaired() {
    return Optional.ofNullable(impaired);
  }
}
