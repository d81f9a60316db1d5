package io.dirigent.bench;

import io.dirigent.core.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The journal plugin on its own, in the same actor system and configuration as the store: N
 * bare event-sourced actors persisting events of the store's size as fast as they can. The
 * store's throughput is reported against this, since this machine's speed varies from run to
 * run.
 */
final class JournalBaseline {

  /** Persist {@code payload}, then reply. */
  record Append(String payload, ActorRef<Long> replyTo) implements CborSerializable {}

  record Appended(String payload) implements CborSerializable {}

  record Count(long value) implements CborSerializable {}

  private static final class Appender extends EventSourcedBehavior<Append, Appended, Count> {
    Appender(String id) {
      super(PersistenceId.of("Baseline", id));
    }

    @Override
    public Count emptyState() {
      return new Count(0);
    }

    @Override
    public CommandHandler<Append, Appended, Count> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Append.class, (state, append) -> Effect().persist(new Appended(append.payload()))
              .thenRun(next -> append.replyTo().tell(next.value())))
          .build();
    }

    @Override
    public EventHandler<Count, Appended> eventHandler() {
      return newEventHandlerBuilder().forAnyState()
          .onEvent(Appended.class, (state, event) -> new Count(state.value() + 1))
          .build();
    }
  }

  private JournalBaseline() {}

  /** Persists {@code total} events from {@code actors} concurrent actors; returns events/s. */
  static double measure(ActorSystem<?> system, int actors, int total, int payloadBytes) throws Exception {
    String payload = "x".repeat(payloadBytes);
    List<ActorRef<Append>> appenders = new ArrayList<>();
    for (int i = 0; i < actors; i++) {
      String id = UUID.randomUUID().toString();
      appenders.add(system.systemActorOf(Behaviors.setup(context -> new Appender(id)), "baseline-" + id, Props.empty()));
    }
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (ActorRef<Append> appender : appenders) {
      loops.add(loop(system, appender, payload, next, total).toCompletableFuture());
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
    appenders.forEach(a -> system.classicSystem().stop(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(a)));
    return total / ((System.nanoTime() - start) / 1e9);
  }

  private static CompletionStage<Void> loop(ActorSystem<?> system, ActorRef<Append> appender, String payload, AtomicInteger next, int total) {
    if (next.getAndIncrement() >= total) {
      return CompletableFuture.completedFuture(null);
    }
    return AskPattern.<Append, Long>ask(appender, replyTo -> new Append(payload, replyTo), Duration.ofSeconds(30), system.scheduler())
        .thenCompose(count -> loop(system, appender, payload, next, total));
  }
}
