package io.dirigent.core.cluster;

import io.dirigent.core.CborSerializable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * How a member joins its cluster without ever starting a second one.
 *
 * <p>Pekko's first seed node starts a new cluster when none of the other seeds answers within its
 * timeout. That is how a cluster first starts, and it is wrong for a member that has been in one:
 * on the cut-off side of a partition (downed, started again by its server) it would make a cluster
 * of its own, whose entities and indexes write to the same store as the real one's. So a member
 * whose data directory says it has been Up before joins differently: it asks every other seed node
 * whether it is a member of a cluster, and
 * <ul>
 *   <li>one is: it joins through the seed nodes (Pekko's own join, which they answer);
 *   <li>none is, and a majority of the seed nodes (itself included) answered, and none listed before
 *       it did: it starts the cluster, and the others join it — the whole control plane restarted;
 *   <li>otherwise — too few answered, or an earlier seed will start it — it asks again, for as long
 *       as it takes: the cluster is elsewhere, out of reach.
 * </ul>
 * A member that has never been Up, or whose seed nodes are itself alone, joins as Pekko does.
 */
public final class ClusterFormation {

  /** The probe every member answers on, at {@code /system/dirigent-formation}. */
  static final String PROBE_NAME = "dirigent-formation";

  /** The file in the data directory that says this member has been Up in a cluster. */
  static final String MEMBER_FILE = "cluster.member";

  private ClusterFormation() {}

  /** Asks a member whether it is in a cluster. */
  public record Probe(ActorRef<Answer> replyTo) implements CborSerializable {
    public Probe {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Whether the member is in a cluster (joining, Up, or on its way out), not merely trying to join one. */
  public record Answer(boolean member) implements CborSerializable {}

  /** What a member that has been Up before does, from what the other seed nodes answered. */
  sealed interface Decision {
    /** A seed node is in a cluster: join through the seed nodes. */
    record Join() implements Decision {}

    /** No cluster anywhere that answered, a majority answered, and this member is the first of them: start it. */
    record Start() implements Decision {}

    /** Ask again. */
    record Wait(String why) implements Decision {}
  }

  /**
   * The decision of {@code self}, one of {@code seeds} (in their configured order), given the
   * answers of the other seed nodes that answered ({@code true}: in a cluster).
   */
  static Decision decide(List<Address> seeds, Address self, Map<Address, Boolean> answers) {
    if (answers.containsValue(Boolean.TRUE)) {
      return new Decision.Join();
    }
    int answered = 1 + (int) seeds.stream().filter(seed -> !seed.equals(self) && answers.containsKey(seed)).count();
    if (answered * 2 <= seeds.size()) {
      return new Decision.Wait("%d of %d seed nodes answer, none in a cluster; a member that has been in one starts it again only with a majority"
          .formatted(answered, seeds.size()));
    }
    for (Address seed : seeds) {
      if (seed.equals(self)) {
        return new Decision.Start();
      }
      if (answers.containsKey(seed)) {
        return new Decision.Wait("seed node " + seed + " answers, is in no cluster, and starts it");
      }
    }
    throw new IllegalArgumentException(self + " is not one of the seed nodes " + seeds);
  }

  /** Starts this member's probe; every member answers it. */
  static void startProbe(ActorSystem<?> system) {
    system.systemActorOf(probe(), PROBE_NAME, Props.empty());
  }

  private static Behavior<Probe> probe() {
    return Behaviors.setup(context -> {
      Cluster cluster = Cluster.get(context.getSystem());
      return Behaviors.receiveMessage(probe -> {
        probe.replyTo().tell(new Answer(inCluster(cluster)));
        return Behaviors.same();
      });
    });
  }

  private static boolean inCluster(Cluster cluster) {
    Member self = cluster.selfMember();
    boolean listed = false;
    for (Member member : cluster.state().getMembers()) {
      listed |= member.uniqueAddress().equals(self.uniqueAddress());
    }
    return listed && self.status() != MemberStatus.down() && self.status() != MemberStatus.removed();
  }

  /**
   * Joins {@code system}'s member through {@code seeds}: as Pekko does when {@code careful} is off,
   * this member is not a seed, or the only one; else by the rule above.
   */
  static void join(ActorSystem<?> system, List<Address> seeds, boolean careful) {
    Cluster cluster = Cluster.get(system);
    Address self = cluster.selfMember().address();
    List<Address> others = seeds.stream().filter(seed -> !seed.equals(self)).toList();
    if (!careful || others.size() == seeds.size() || others.isEmpty()) {
      cluster.manager().tell(new JoinSeedNodes(seeds));
      return;
    }
    new Asking(system, seeds, self, others).round(null);
  }

  /** Whether the member with data directory {@code dataDir} has been Up in a cluster. */
  static boolean hasBeenMember(Path dataDir) {
    return Files.exists(dataDir.resolve(MEMBER_FILE));
  }

  /** Records that the member with data directory {@code dataDir} is Up in a cluster. */
  static void recordMember(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      Files.writeString(dataDir.resolve(MEMBER_FILE), "this member has been Up in a cluster: it starts a new one only with a majority of its seed nodes\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot record cluster membership in " + dataDir, e);
    }
  }

  /** The rounds of asking, one a second, until the member joins or starts the cluster. */
  private record Asking(ActorSystem<?> system, List<Address> seeds, Address self, List<Address> others) {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ROUND_INTERVAL = Duration.ofSeconds(1);

    void round(String lastWhy) {
      if (system.whenTerminated().isCompleted()) {
        return;
      }
      Map<Address, CompletableFuture<Boolean>> asked = new HashMap<>();
      for (Address other : others) {
        asked.put(other, ask(other).toCompletableFuture());
      }
      CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
        Map<Address, Boolean> answers = new HashMap<>();
        asked.forEach((seed, answer) -> {
          if (!answer.isCompletedExceptionally()) {
            answers.put(seed, answer.join());
          }
        });
        Decision decision = decide(seeds, self, answers);
        Cluster cluster = Cluster.get(system);
        if (decision instanceof Decision.Join) {
          system.log().info("a seed node is in the cluster: joining it through {}", others);
          cluster.manager().tell(new JoinSeedNodes(others));
        } else if (decision instanceof Decision.Start) {
          system.log().info("{} of {} seed nodes answer and none is in a cluster: this member starts it again", answers.size() + 1, seeds.size());
          cluster.manager().tell(new JoinSeedNodes(List.of(self)));
        } else {
          String why = ((Decision.Wait) decision).why();
          if (!why.equals(lastWhy)) {
            system.log().info("not joining yet: {}", why);
          }
          system.scheduler().scheduleOnce(ROUND_INTERVAL, () -> round(why), system.executionContext());
        }
      });
    }

    private CompletionStage<Boolean> ask(Address seed) {
      return Adapter.toClassic(system).actorSelection(seed + "/system/" + PROBE_NAME).resolveOne(ASK_TIMEOUT)
          .thenCompose(found -> AskPattern.<Probe, Answer>ask(Adapter.toTyped(found), Probe::new, ASK_TIMEOUT, system.scheduler()))
          .thenApply(Answer::member);
    }
  }
}
