package io.dirigent.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.LocalOnly;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.StoreError;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Writes one pod's status to the API — the kubelet's status manager, for one pod. One write at a
 * time; a status asked for while one is under way waits, and only the newest waiting one is
 * written; a status the API has already is not written again. A write the store refused for a
 * passing reason is tried again after a second; one that says the pod is not this node's to
 * write any more (gone, replaced, bound elsewhere) is dropped.
 */
final class PodStatusWriter {

  /** Local: a child of its pod worker, told by it and by its own writes. */
  sealed interface Command extends LocalOnly {}

  /** Write {@code status} as the status of {@code pod} (whose other fields are as the worker has them). */
  record Write(Pod pod, PodStatus status) implements Command {}

  private record Written(Write write, JsonNode status, Throwable failure) implements Command {}

  private record Retry() implements Command {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final NodeAgentContext node;
  /** The status the API has, as far as this writer knows. */
  private JsonNode written;
  /** The newest status asked for while a write was under way (or one to try again). */
  private Write waiting;

  /** @param current the pod's status as the API has it when the worker starts */
  static Behavior<Command> create(NodeAgentContext node, JsonNode current) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new PodStatusWriter(context, timers, node, current).ready()));
  }

  private PodStatusWriter(ActorContext<Command> context, TimerScheduler<Command> timers, NodeAgentContext node, JsonNode current) {
    this.context = context;
    this.timers = timers;
    this.node = node;
    this.written = current;
  }

  /** Nothing being written. */
  private Behavior<Command> ready() {
    return Behaviors.receive(Command.class)
        .onMessage(Write.class, next -> {
          // Newer than any that waits to be tried again.
          waiting = null;
          return write(next);
        })
        .onMessage(Retry.class, retry -> {
          Write again = waiting;
          waiting = null;
          return again == null ? Behaviors.same() : write(again);
        })
        .build();
  }

  /** A write under way. */
  private Behavior<Command> writing() {
    return Behaviors.receive(Command.class)
        .onMessage(Write.class, next -> {
          waiting = next;
          return Behaviors.same();
        })
        .onMessage(Written.class, this::onWritten)
        .onMessage(Retry.class, retry -> Behaviors.same())
        .build();
  }

  private Behavior<Command> write(Write write) {
    JsonNode status = KubeJson.MAPPER.valueToTree(write.status());
    if (KubeJson.sameContent(status, written)) {
      return ready();
    }
    Pod update = KubeJson.toTyped(KubeJson.toTree(write.pod()), Pod.class);
    update.getMetadata().setResourceVersion(null);
    update.setStatus(write.status());
    context.pipeToSelf(node.store().updateStatus(update), (done, failure) -> new Written(write, status, failure));
    return writing();
  }

  private Behavior<Command> onWritten(Written done) {
    if (done.failure() == null) {
      written = done.status();
    } else if (!Failures.storeSaid(done.failure(), StoreError.Reason.NOT_FOUND, StoreError.Reason.CONFLICT, StoreError.Reason.FORBIDDEN)) {
      context.getLog().warn("pod status not written pod={}/{} error={}; trying again", done.write().pod().getMetadata().getNamespace(),
          done.write().pod().getMetadata().getName(), Failures.cause(done.failure()).getMessage());
      if (waiting == null) {
        waiting = done.write();
      }
      timers.startSingleTimer("retry", new Retry(), node.settings().writeRetryInterval());
      return ready();
    }
    // Not found, replaced, or bound to another node since (forbidden to this one): not this node's to write any more.
    Write next = waiting;
    waiting = null;
    return next == null ? ready() : write(next);
  }
}
