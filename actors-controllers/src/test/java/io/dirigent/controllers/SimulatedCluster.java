package io.dirigent.controllers;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.store.Store;
import io.dirigent.core.testing.Await;
import io.dirigent.core.testing.TestNodes;
import io.dirigent.node.NodeAgents;
import io.dirigent.node.NodeSettings;
import io.dirigent.node.runtime.SimulatedRuntime;
import io.dirigent.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the controller tests that run pods end to end share: a member on the in-memory store with a
 * data directory of its own, simulated nodes named {@code prefix-1} to {@code prefix-N}, the
 * scheduler and the controller manager. A test class registers one as a static
 * {@code @RegisterExtension} field: it starts before the class's tests (and its own
 * {@code @BeforeAll} methods) and stops after them, the nodes first, then the member.
 */
final class SimulatedCluster implements BeforeAllCallback, AfterAllCallback {

  private final String prefix;
  private final int nodes;
  private final Map<String, Object> settings;
  private ClusterNode member;
  private SimulatedRuntime runtime;
  private NodeAgents agents;
  private NodeSettings base;

  private SimulatedCluster(String prefix, int nodes, Map<String, Object> settings) {
    this.prefix = prefix;
    this.nodes = nodes;
    this.settings = Map.copyOf(settings);
  }

  /** One with {@code nodes} simulated nodes, its prefix {@code tag} and a unique suffix. */
  static SimulatedCluster of(String tag, int nodes) {
    return of(tag, nodes, Map.of());
  }

  /** One with {@code nodes} simulated nodes and {@code settings} on top of the test member's. */
  static SimulatedCluster of(String tag, int nodes, Map<String, Object> settings) {
    return new SimulatedCluster(tag + "-" + Long.toString(System.nanoTime() % 100_000, 36), nodes, settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Map<String, Object> config = new HashMap<>(settings);
    config.put("dirigent.store.plugin", "memory");
    config.put("dirigent.data-dir", System.getProperty("java.io.tmpdir") + "/" + prefix);
    member = TestNodes.start(ConfigFactory.parseMap(config));
    runtime = new SimulatedRuntime(Clock.systemUTC());
    agents = NodeAgents.create(member.system(), member.store(), Clock.systemUTC());
    base = NodeSettings.from(member.system().settings().config());
    agents.startSimulated(nodes, runtime, i -> base.withName(prefix + "-" + i));
    Scheduler.init(member.system(), member.store());
    ControllerManager.init(member.system(), member.store());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    agents.close();
    runtime.close();
    member.close();
  }

  /** What every name the test makes starts with: its nodes', its namespaces'. */
  String prefix() {
    return prefix;
  }

  ClusterNode member() {
    return member;
  }

  Store store() {
    return member.store();
  }

  /** The nodes' runtime, for a test to make a container fail. */
  SimulatedRuntime runtime() {
    return runtime;
  }

  /** Starts the simulated node {@code prefix-index} beside those there are. */
  void startNode(int index) {
    agents.startAgent(base.withName(prefix + "-" + index), runtime);
  }

  /** Creates the namespace {@code prefix-name} and answers its name. */
  String namespace(String name) {
    String ns = prefix + "-" + name;
    Await.result(member.store().create(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
    return ns;
  }
}
