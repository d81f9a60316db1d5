package io.dirigent.api;

import io.dirigent.core.node.PodStreams;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.SinkRef;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;

/** A node side for port-forward tests: every port answers each byte upper-cased, and ends when the client's side ends. */
final class UpperCasingPod {

  private UpperCasingPod() {}

  static IntFunction<CompletionStage<PodStreams.Connected>> on(ActorSystem<?> system) {
    return port -> {
      Pair<SinkRef<ByteString>, SourceRef<ByteString>> refs = StreamRefs.<ByteString>sinkRef()
          .map(bytes -> ByteString.fromString(bytes.utf8String().toUpperCase()))
          .toMat(StreamRefs.sourceRef(), Keep.both())
          .run(system);
      return CompletableFuture.completedFuture(new PodStreams.Connected(refs.first(), refs.second()));
    };
  }
}
