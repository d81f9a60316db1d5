package io.dirigent.node.proxy;

import java.util.List;

/**
 * How a host forwards Service traffic: given the full desired set of rules, make it so. Calls
 * come one at a time, off the actor threads (they may block).
 */
public interface Proxier extends AutoCloseable {

  /** Replaces whatever the previous sync set up with {@code rules}. */
  void sync(List<ServiceRule> rules) throws Exception;

  /** Removes everything this proxier set up on the host. */
  @Override
  void close();
}
