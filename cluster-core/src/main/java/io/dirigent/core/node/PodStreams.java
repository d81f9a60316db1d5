package io.dirigent.core.node;

import io.dirigent.core.CborSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.stream.SinkRef;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.util.ByteString;

/**
 * How the API server opens an interactive stream into a pod — {@code exec}, {@code attach} or
 * {@code portforward} — wherever in the cluster the agent of the pod's node runs. The agent registers under its node's
 * {@link #serviceKey(String) service key} and answers with a pair of stream references: the API
 * server pushes what its client sends into {@link Connected#input()} and relays
 * {@link Connected#output()} back.
 *
 * <p>An exec (and an attach) speaks Kubernetes' channel protocol in both directions, so the API server only moves
 * bytes: each element is one message whose first byte is the channel — in: {@link #STDIN},
 * {@link #RESIZE} (a JSON {@code {"Width":w,"Height":h}}), {@link #CLOSE} (with the channel that
 * closes); out: {@link #STDOUT}, {@link #STDERR}, and last {@link #ERROR} with the Status of the
 * command. A port forward is a plain byte stream each way to one TCP port of the pod; the output
 * completes when the pod's side closes, and fails with the reason when the connection could not be
 * made or broke.
 */
public final class PodStreams {

  public static final byte STDIN = 0;
  public static final byte STDOUT = 1;
  public static final byte STDERR = 2;
  public static final byte ERROR = 3;
  public static final byte RESIZE = 4;
  public static final byte CLOSE = (byte) 255;

  private PodStreams() {}

  /** The key the agent of {@code nodeName} registers its stream service under. */
  public static ServiceKey<Request> serviceKey(String nodeName) {
    return ServiceKey.create(Request.class, "dirigent-pod-streams:" + nodeName);
  }

  public sealed interface Request extends CborSerializable {
    String namespace();

    String pod();

    String uid();

    ActorRef<Reply> replyTo();
  }

  /**
   * Run {@code command} in {@code container} with the streams asked for attached.
   *
   * @param tty allocate a terminal: output arrives on stdout only, and resizes apply
   */
  public record Exec(String namespace, String pod, String uid, String container, List<String> command,
      boolean stdin, boolean stdout, boolean stderr, boolean tty, ActorRef<Reply> replyTo) implements Request {}

  /**
   * Attach to the streams of {@code container}'s own process, as {@code kubectl attach} does: the
   * same channels as an exec, ending with a {@code Success} Status when the container's output ends.
   *
   * @param tty whether the container has a terminal (its spec's, not the client's choice)
   */
  public record Attach(String namespace, String pod, String uid, String container,
      boolean stdin, boolean stdout, boolean stderr, boolean tty, ActorRef<Reply> replyTo) implements Request {}

  /**
   * Connect to {@code port} of the pod at the pod's IP, from the node. (The kubelet connects to
   * localhost inside the pod's network namespace, which also reaches listeners bound to
   * 127.0.0.1 only; these are not reached here.)
   */
  public record PortForward(String namespace, String pod, String uid, int port, ActorRef<Reply> replyTo) implements Request {}

  public sealed interface Reply extends CborSerializable {}

  /** The stream is open: push into {@code input}, read {@code output}. */
  public record Connected(SinkRef<ByteString> input, SourceRef<ByteString> output) implements Reply {}

  /** Nothing was opened: {@code code} is the HTTP status to answer (400, 404, ...), {@code message} says why. */
  public record Failed(int code, String message) implements Reply {}

  /** One exec message: {@code channel} followed by {@code data}. */
  public static ByteString frame(byte channel, ByteString data) {
    return ByteString.fromArrayUnsafe(new byte[] {channel}).concat(data);
  }
}
