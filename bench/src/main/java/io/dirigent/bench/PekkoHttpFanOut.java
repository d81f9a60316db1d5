package io.dirigent.bench;

import com.typesafe.config.ConfigFactory;
import io.dirigent.core.cluster.DirigentConfig;
import io.dirigent.core.cluster.JvmDefaults;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * The floor under the API server's watch fan-out: Pekko HTTP alone, with nothing of Dirigent's.
 * Every request gets a chunked response fed by an actor-backed source, as a watch does, and one
 * actor tells every stream the same line per change, as the store's index does. No store, no
 * filter, no encoding: what is left is the cost of Pekko HTTP (and the kernel) per delivery. It is
 * measured exactly as the API server's fan-out is ({@link FanOut}, {@link WatchClients}).
 *
 * <p>Usage: {@code PekkoHttpFanOut [watches...]}.
 */
public final class PekkoHttpFanOut {

  private PekkoHttpFanOut() {}

  public static void main(String[] args) throws Exception {
    JvmDefaults.apply();
    // The API server's own HTTP server settings (for many long-lived connections), and nothing else of a member's.
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pekko-http-fan-out",
        DirigentConfig.load(ConfigFactory.empty()).withOnlyPath("pekko.http.server").withFallback(ConfigFactory.load()));
    List<ActorRef<ByteString>> streams = new CopyOnWriteArrayList<>();
    ServerBinding binding = Http.get(system).newServerAt("127.0.0.1", 0).bindSync(request -> HttpResponse.create()
            .withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_JSON,
                ActorSource.<ByteString>actorRef(line -> false, line -> Optional.empty(), 1_000, OverflowStrategy.fail())
                    .mapMaterializedValue(stream -> {
                      streams.add(stream);
                      return stream;
                    }))))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    ActorRef<ByteString> publisher = system.systemActorOf(Behaviors.receive(ByteString.class)
        .onAnyMessage(line -> {
          streams.forEach(stream -> stream.tell(line));
          return Behaviors.same();
        })
        .build(), "publisher", Props.empty());
    // A line the size of the API server's watch event for the benchmark's ConfigMap.
    String padding = "x".repeat(300);
    for (String arg : args.length > 0 ? args : new String[] {"1000", "2500", "5000"}) {
      int count = Integer.parseInt(arg);
      streams.clear();
      try (WatchClients watches = WatchClients.open(binding.localAddress(), "/", count)) {
        watches.awaitAnswered(count, Duration.ofSeconds(120));
        System.out.println(FanOut.measure("Pekko HTTP alone", watches, count, i -> {
          String version = Integer.toString(i);
          publisher.tell(ByteString.fromString("{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"resourceVersion\":\"" + version
              + "\"},\"data\":\"" + padding + "\"}}\n"));
          return version;
        }));
      }
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.exit(0);
  }
}
