package io.dirigent.core.node;

import io.dirigent.core.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.util.ByteString;

/**
 * How the API server asks a node for a container's log, wherever in the cluster that node's agent
 * runs: the agent registers under its node's {@link #serviceKey(String) service key} and answers
 * a {@link Request} with a stream reference the API server pipes to its client.
 */
public final class PodLogs {

  private PodLogs() {}

  /** The key the agent of {@code nodeName} registers its log service under. */
  public static ServiceKey<Request> serviceKey(String nodeName) {
    return ServiceKey.create(Request.class, "dirigent-pod-logs:" + nodeName);
  }

  /**
   * What to read, as Kubernetes' PodLogOptions say it.
   *
   * @param container the container's name (resolved by the API server when the pod has one)
   * @param follow keep streaming new output until the container stops or the client goes
   * @param tailLines only the last lines; null for all
   * @param sinceSeconds only output newer than this many seconds; null for all
   * @param timestamps prefix each line with its RFC 3339 timestamp
   * @param previous the previous, terminated instance of the container
   * @param limitBytes stop after this many bytes; null for no limit
   */
  public record Options(String container, boolean follow, Integer tailLines, Long sinceSeconds, boolean timestamps,
      boolean previous, Long limitBytes) implements CborSerializable {}

  public record Request(String namespace, String pod, String uid, Options options, ActorRef<Reply> replyTo)
      implements CborSerializable {}

  public sealed interface Reply extends CborSerializable {}

  /** The log's bytes, as they come. */
  public record Streaming(SourceRef<ByteString> source) implements Reply {}

  /** No log to read: {@code code} is the HTTP status to answer (400, 404, ...), {@code message} says why. */
  public record Failed(int code, String message) implements Reply {}
}
