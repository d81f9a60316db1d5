package io.dirigent.node;

import io.dirigent.core.events.EventRecorder;
import io.dirigent.core.store.Store;
import io.dirigent.node.runtime.ContainerRuntime;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What a node agent and its pod workers share.
 *
 * @param runtimePrefix how container ids are qualified in pod status ({@code docker://...})
 * @param recorder null when the node records no events
 * @param blocking runs blocking file work
 * @param member the address of the cluster member the agent runs on, which its Lease names
 */
record NodeAgentContext(
    Store store,
    ContainerRuntime runtime,
    String runtimePrefix,
    NodeSettings settings,
    EventRecorder recorder,
    ContainerSpecs specs,
    Clock clock,
    Executor blocking,
    String member) {}
