package io.dirigent.core.testing;

import io.dirigent.core.store.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/** Runs a watch stream and records what it delivers, for assertions with deadlines. */
public final class WatchRecorder implements AutoCloseable {

  private final List<WatchEvent> events = new ArrayList<>();
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;

  public WatchRecorder(Source<WatchEvent, NotUsed> watch, ActorSystem<?> system) {
    var materialized = watch.viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.foreach(this::record), Keep.both())
        .run(system);
    this.killSwitch = materialized.first();
    this.done = materialized.second();
  }

  private synchronized void record(WatchEvent event) {
    events.add(event);
  }

  public synchronized List<WatchEvent> events() {
    return List.copyOf(events);
  }

  /** Waits until the recorded events satisfy {@code condition}; returns them. */
  public List<WatchEvent> awaitEvents(String what, Predicate<List<WatchEvent>> condition) {
    Await.until(what, TestNodes.timeout(), () -> condition.test(events()));
    return events();
  }

  public List<WatchEvent> awaitCount(int count) {
    return awaitEvents(count + " watch events", list -> list.size() >= count);
  }

  public boolean isDone() {
    return done.toCompletableFuture().isDone();
  }

  public void awaitDone(Duration timeout) {
    Await.until("the watch to end", timeout, this::isDone);
  }

  @Override
  public void close() {
    killSwitch.shutdown();
  }
}
