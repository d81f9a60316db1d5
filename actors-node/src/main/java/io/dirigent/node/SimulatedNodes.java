package io.dirigent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.informer.Informer;
import io.dirigent.core.store.ObjectFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Hosts many simulated nodes in one member, as kwok does: one agent per node, all fed by a
 * single informer on the pods bound to any node, so a thousand nodes cost one watch rather than
 * a thousand.
 */
final class SimulatedNodes {

  /** Local: its informer's events, and its stop from its own member. */
  sealed interface Command extends LocalOnly {}

  private record PodEvent(Informer.Event event) implements Command {}

  /** Stops every simulated node (their simulated containers stay, as a real node's would). */
  record Stop() implements Command {}

  private SimulatedNodes() {}

  /** {@code count} nodes; {@code contextOf(i)} gives the i-th (from 1) node's context. */
  static Behavior<Command> create(int count, IntFunction<NodeAgentContext> contextOf) {
    return Behaviors.setup(context -> {
      Map<String, ActorRef<NodeAgent.Command>> agents = new HashMap<>();
      NodeAgentContext first = null;
      for (int i = 1; i <= count; i++) {
        NodeAgentContext node = contextOf.apply(i);
        first = first == null ? node : first;
        agents.put(node.settings().name(), context.spawn(NodeAgent.create(node, false, true), node.settings().name()));
      }
      if (first != null) {
        ActorRef<Informer.Event> events = context.messageAdapter(Informer.Event.class, PodEvent::new);
        context.spawn(Informer.create(first.store(), first.store().registry().byResource("pods").orElseThrow(),
            new ObjectFilter(null, "", "spec.nodeName!="), events, first.settings().relistDelay()), "pods");
      }
      return Behaviors.receive(Command.class)
          .onMessage(PodEvent.class, message -> {
            dispatch(agents, message.event());
            return Behaviors.same();
          })
          .onMessage(Stop.class, stop -> Behaviors.stopped())
          .build();
    });
  }

  private static void dispatch(Map<String, ActorRef<NodeAgent.Command>> agents, Informer.Event event) {
    if (event instanceof Informer.Upserted upserted) {
      send(agents, upserted.object(), event);
    } else if (event instanceof Informer.Deleted deleted) {
      send(agents, deleted.object(), event);
    } else if (event instanceof Informer.Synced synced) {
      Map<String, List<ObjectNode>> byNode = new HashMap<>();
      agents.keySet().forEach(name -> byNode.put(name, new ArrayList<>()));
      for (ObjectNode pod : synced.objects()) {
        List<ObjectNode> pods = byNode.get(pod.path("spec").path("nodeName").asText());
        if (pods != null) {
          pods.add(pod);
        }
      }
      byNode.forEach((name, pods) -> agents.get(name).tell(new NodeAgent.PodEvent(new Informer.Synced(pods))));
    }
  }

  private static void send(Map<String, ActorRef<NodeAgent.Command>> agents, ObjectNode pod, Informer.Event event) {
    ActorRef<NodeAgent.Command> agent = agents.get(pod.path("spec").path("nodeName").asText());
    if (agent != null) {
      agent.tell(new NodeAgent.PodEvent(event));
    }
  }
}
