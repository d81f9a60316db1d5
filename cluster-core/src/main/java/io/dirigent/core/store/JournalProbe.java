package io.dirigent.core.store;

import io.dirigent.core.LocalOnly;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Whether this member reaches the journal now, for its readiness: every {@code interval} it
 * recovers an empty persistent actor (which reads the snapshot store and the journal, as every
 * entity's recovery does) and notes whether that worked within {@code timeout}. The verdict is an
 * immutable {@link Health} any thread may read.
 */
public final class JournalProbe implements org.apache.pekko.actor.typed.Extension {

  /** One probe per control-plane member, started when first asked for (its store's schema must be there by then). */
  private static final org.apache.pekko.actor.typed.ExtensionId<JournalProbe> ID = new org.apache.pekko.actor.typed.ExtensionId<>() {
    @Override
    public JournalProbe createExtension(ActorSystem<?> system) {
      var store = system.settings().config().getConfig("dirigent.store");
      return start(system, store.getDuration("probe-interval"), store.getDuration("probe-timeout"));
    }
  };

  /** The probe of {@code system}'s member. */
  public static JournalProbe get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The last probe's verdict: {@code problem} empty when the journal answered. */
  public record Health(Instant at, Optional<String> problem) {
    static final Health UNKNOWN = new Health(Instant.EPOCH, Optional.of("the journal has not been probed yet"));
  }

  private final AtomicReference<Health> health = new AtomicReference<>(Health.UNKNOWN);
  private final Duration interval;

  private JournalProbe(Duration interval) {
    this.interval = interval;
  }

  /** Starts probing the journal of {@code system}'s member. */
  private static JournalProbe start(ActorSystem<?> system, Duration interval, Duration timeout) {
    JournalProbe probe = new JournalProbe(interval);
    String id = "dirigent-journal-probe-" + Integer.toHexString(system.address().toString().hashCode());
    system.systemActorOf(Behaviors.supervise(prober(probe.health, id, interval, timeout)).onFailure(SupervisorStrategy.restart()),
        "dirigent-journal-probe", Props.empty());
    return probe;
  }

  /**
   * Why the journal is not to be relied on now: the last probe failed, or none succeeded for three
   * intervals (the probe itself is stuck); empty when it is fine.
   */
  public Optional<String> problem() {
    Health last = health.get();
    if (last.problem().isPresent()) {
      return last.problem();
    }
    Duration age = Duration.between(last.at(), Instant.now());
    return age.compareTo(interval.multipliedBy(3)) > 0
        ? Optional.of("the journal has not answered a probe for " + age.toSeconds() + " s") : Optional.empty();
  }

  // ---- the prober ----

  private sealed interface Command extends LocalOnly {}

  private record Probe() implements Command {}

  private record Answered(int round, String failure) implements Command {}

  private record TimedOut(int round) implements Command {}

  private static Behavior<Command> prober(AtomicReference<Health> health, String id, Duration interval, Duration timeout) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Probe(), Duration.ZERO, interval);
      int[] round = {0};
      boolean[] busy = {false};
      java.util.List<ActorRef<Void>> running = new java.util.ArrayList<>();
      return Behaviors.receive(Command.class)
          .onMessage(Probe.class, probe -> {
            if (!busy[0]) {
              busy[0] = true;
              round[0]++;
              running.add(context.spawnAnonymous(recovery(id, round[0], context.getSelf())));
              timers.startSingleTimer("timeout", new TimedOut(round[0]), timeout);
            }
            return Behaviors.same();
          })
          .onMessage(Answered.class, answered -> {
            running.forEach(context::stop);
            running.clear();
            if (answered.round() == round[0]) {
              busy[0] = false;
              timers.cancel("timeout");
              health.set(new Health(Instant.now(), Optional.ofNullable(answered.failure()).map(why -> "the journal failed a read: " + why)));
            }
            return Behaviors.same();
          })
          .onMessage(TimedOut.class, timedOut -> {
            if (timedOut.round() == round[0] && busy[0]) {
              busy[0] = false;
              running.forEach(context::stop);
              running.clear();
              health.set(new Health(Instant.now(), Optional.of("the journal did not answer a read within " + timeout.toMillis() + " ms")));
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  /** An empty persistent actor that reports how its recovery went, then stops. */
  private static Behavior<Void> recovery(String id, int round, ActorRef<Command> report) {
    return Behaviors.setup(context -> new Recovery(context, id, round, report));
  }

  private static final class Recovery extends EventSourcedBehavior<Void, Void, Boolean> {
    private final int round;
    private final ActorRef<Command> report;

    Recovery(ActorContext<Void> context, String id, int round, ActorRef<Command> report) {
      super(PersistenceId.ofUniqueId(id));
      this.round = round;
      this.report = report;
    }

    @Override
    public Boolean emptyState() {
      return Boolean.TRUE;
    }

    @Override
    public CommandHandler<Void, Void, Boolean> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().build();
    }

    @Override
    public EventHandler<Boolean, Void> eventHandler() {
      return newEventHandlerBuilder().forAnyState().build();
    }

    @Override
    public SignalHandler<Boolean> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(RecoveryCompleted.instance(), state -> report.tell(new Answered(round, null)))
          .onSignal(RecoveryFailed.class, (state, failed) -> report.tell(new Answered(round, String.valueOf(failed.getFailure().getMessage()))))
          .build();
    }
  }
}
