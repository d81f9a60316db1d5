package io.dirigent.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The JVM settings a member runs with, as the test JVM has them (the build passes them on). */
class JvmDefaultsTest {

  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  record Ping(ActorRef<String> replyTo) {}

  @Test
  void aCallbackOnAnAskRunsOnThePooledThreadsNotOnANewThreadEach() throws Exception {
    ActorRef<Ping> echo = KIT.spawn(Behaviors.receiveMessage(ping -> {
      ping.replyTo().tell("pong");
      return Behaviors.same();
    }));

    String thread = AskPattern.<Ping, String>ask(echo, Ping::new, Duration.ofSeconds(5), KIT.scheduler())
        .thenApply(reply -> Thread.currentThread().getName())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(JvmDefaults.callbacksPooled()).isTrue();
    assertThat(thread).startsWith("ForkJoinPool.commonPool");
  }
}
