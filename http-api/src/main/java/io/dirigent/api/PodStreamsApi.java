package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.node.PodStreams;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * {@code .../pods/{name}/exec}, {@code .../pods/{name}/attach} and {@code .../pods/{name}/portforward}: the API server checks the
 * pod, finds the agent of its node wherever it runs in the cluster, asks it to open the stream and,
 * once it has, upgrades the client's connection to a WebSocket joined to the agent's stream
 * references. Exec and attach speak Kubernetes' channel protocol ({@code v5.channel.k8s.io}, or v4 without
 * the close signal); port forwarding speaks SPDY/3.1 inside the WebSocket
 * ({@code SPDY/3.1+portforward.k8s.io}), as kubectl has since 1.30 — see {@link PortForwardSession} —
 * or the plain channel protocol of other clients (named {@code v4.channel.k8s.io}, or its base64
 * form, or not named at all, as the kubelet takes it) — see {@link ChannelPortForward}. Every
 * channel protocol may be spoken in binary or in base64 text — see {@link ChannelEncoding}.
 * A client that can only upgrade to SPDY itself (kubectl before 1.30) gets a 400 that says so.
 */
final class PodStreamsApi {

  static final List<String> EXEC_PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io");
  static final String PORT_FORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
  /** Channels are one byte, two per port. */
  private static final int MAX_PORTS = 128;
  /** As dirigent.conf has it. */
  static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private final Store store;
  private final ActorSystem<?> system;
  private final Duration askTimeout;
  private final int maxMessageBytes;

  PodStreamsApi(Store store, Duration askTimeout) {
    this.store = store;
    this.system = store.system();
    this.askTimeout = askTimeout;
    this.maxMessageBytes = (int) Math.min(Integer.MAX_VALUE - 1, system.settings().config().getBytes("dirigent.api.max-stream-message-bytes"));
  }

  CompletionStage<HttpResponse> exec(HttpRequest request, ApiPath path, Query query) {
    // In the order given (Query.getAll answers them last first).
    List<String> command = query.toList().stream().filter(param -> param.first().equals("command")).map(param -> param.second()).toList();
    boolean stdin = QueryParams.flag(query, "stdin");
    boolean stdout = QueryParams.flag(query, "stdout");
    boolean stderr = QueryParams.flag(query, "stderr");
    boolean tty = QueryParams.flag(query, "tty");
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw badRequest("you must specify at least one command for the container");
    }
    if (!stdin && !stdout && !stderr) {
      throw badRequest("you must specify at least 1 of stdin, stdout, stderr");
    }
    return store.get(path.type(), path.namespace(), path.name()).thenCompose(pod -> {
      String container = PodLogsApi.container(pod, query.get("container").orElse(null));
      return channels(request, "exec", pod, replyTo -> new PodStreams.Exec(path.namespace(), path.name(), uid(pod), container, command,
          stdin, stdout, stderr && !tty, tty, replyTo));
    });
  }

  /**
   * {@code kubectl attach}: the streams of the container's own process, in the channel protocol of
   * exec. Whether there is a terminal is the container's ({@code tty} in its spec), as the kubelet
   * decides, whatever the client asks: the process was started with one or without.
   */
  CompletionStage<HttpResponse> attach(HttpRequest request, ApiPath path, Query query) {
    boolean stdin = QueryParams.flag(query, "stdin");
    boolean stdout = QueryParams.flag(query, "stdout");
    boolean stderr = QueryParams.flag(query, "stderr");
    if (!stdin && !stdout && !stderr) {
      throw badRequest("you must specify at least 1 of stdin, stdout, stderr");
    }
    return store.get(path.type(), path.namespace(), path.name()).thenCompose(pod -> {
      String container = PodLogsApi.container(pod, query.get("container").orElse(null));
      boolean tty = containerTty(pod, container);
      return channels(request, "attach", pod, replyTo -> new PodStreams.Attach(path.namespace(), path.name(), uid(pod), container,
          stdin, stdout, stderr && !tty, tty, replyTo));
    });
  }

  /** Opens an exec or an attach on the pod's node, then upgrades the client's connection to it. */
  private CompletionStage<HttpResponse> channels(HttpRequest request, String what, JsonNode pod,
      Function<ActorRef<PodStreams.Reply>, PodStreams.Request> open) {
    // The agent is found before the upgrade is checked: a client that falls back to SPDY after a
    // refused WebSocket (kubectl does) then still hears why the WebSocket was refused.
    return agent(node(pod)).thenCompose(agent -> {
      WebSocketUpgrade upgrade = upgrade(request, what);
      List<String> offered = protocols(request);
      String protocol = EXEC_PROTOCOLS.stream().filter(offered::contains).findFirst()
          .orElseThrow(() -> badRequest("%s speaks the WebSocket protocols %s; the client offered %s".formatted(what, EXEC_PROTOCOLS, offered)));
      return open(agent, open)
          // Not coupled: the node may stop reading (the command closed its stdin) long before the
          // output ends; the output's end is what closes the socket.
          .thenApply(connected -> {
            ChannelEncoding encoding = ChannelEncoding.of(protocol);
            return upgrade.handleMessagesWith(Flow.fromSinkAndSource(
                binary().map(encoding::decode).to(connected.input().getSink()),
                connected.output().getSource().map(encoding::encode)), protocol);
          });
    });
  }

  private static boolean containerTty(JsonNode pod, String container) {
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode candidate : pod.path("spec").path(list)) {
        if (candidate.path("name").asText().equals(container)) {
          return candidate.path("tty").asBoolean(false);
        }
      }
    }
    return false;
  }

  CompletionStage<HttpResponse> portForward(HttpRequest request, ApiPath path, Query query) {
    return store.get(path.type(), path.namespace(), path.name()).thenCompose(pod -> agent(node(pod)).thenApply(agent -> {
      WebSocketUpgrade upgrade = upgrade(request, "port forwarding");
      List<String> offered = protocols(request);
      String uid = uid(pod);
      IntFunction<CompletionStage<PodStreams.Connected>> connect =
          port -> open(agent, replyTo -> new PodStreams.PortForward(path.namespace(), path.name(), uid, port, replyTo));
      if (offered.contains(PORT_FORWARD_PROTOCOL)) {
        PortForwardSession session = new PortForwardSession(system, connect);
        // Pekko HTTP only accepts tokens as subprotocols, and this one has a '/': it is answered by hand.
        return upgrade.handleMessagesWith(session.flow(binary()))
            .addHeader(RawHeader.create("Sec-WebSocket-Protocol", PORT_FORWARD_PROTOCOL));
      }
      for (String protocol : ChannelPortForward.PROTOCOLS) {
        if (offered.contains(protocol)) {
          List<Integer> ports = ports(query);
          return upgrade.handleMessagesWith(ChannelPortForward.flow(system, ports, connect, binary(), ChannelEncoding.of(protocol)), protocol);
        }
      }
      if (offered.isEmpty()) {
        // As the kubelet: a client that names no subprotocol speaks the binary channel protocol.
        List<Integer> ports = ports(query);
        return upgrade.handleMessagesWith(ChannelPortForward.flow(system, ports, connect, binary(), ChannelEncoding.BINARY));
      }
      List<String> spoken = new java.util.ArrayList<>(List.of(PORT_FORWARD_PROTOCOL));
      spoken.addAll(ChannelPortForward.PROTOCOLS);
      throw badRequest("port forwarding speaks the WebSocket protocols %s; the client offered %s".formatted(spoken, offered));
    }));
  }

  /** The {@code ports} query parameter (repeated, or separated by commas), each 1 to 65535. */
  static List<Integer> ports(Query query) {
    List<Integer> ports = new java.util.ArrayList<>();
    for (var param : query.toList()) {
      if (!param.first().equals("ports")) {
        continue;
      }
      for (String port : param.second().split(",", -1)) {
        int number;
        try {
          number = Integer.parseInt(port.strip());
        } catch (NumberFormatException e) {
          number = 0;
        }
        if (number < 1 || number > 65535) {
          throw badRequest("invalid port %s in the ports parameter: a port is a number from 1 to 65535".formatted(port.strip()));
        }
        ports.add(number);
      }
    }
    if (ports.isEmpty()) {
      throw badRequest("the ports parameter is required: the pod's ports to forward, e.g. ports=8080");
    }
    if (ports.size() > MAX_PORTS) {
      throw badRequest("at most %d ports can be forwarded over one connection".formatted(MAX_PORTS));
    }
    return List.copyOf(ports);
  }

  private CompletionStage<ActorRef<PodStreams.Request>> agent(String node) {
    return AgentLookup.find(system, PodStreams.serviceKey(node), node, "exec into or forward ports of its pods", askTimeout);
  }

  /** Asks the agent to open a stream; a refusal fails with the agent's code and message. */
  private CompletionStage<PodStreams.Connected> open(ActorRef<PodStreams.Request> agent,
      Function<ActorRef<PodStreams.Reply>, PodStreams.Request> request) {
    return AskPattern.<PodStreams.Request, PodStreams.Reply>ask(agent, request::apply, askTimeout, system.scheduler())
        .thenApply(reply -> {
          if (reply instanceof PodStreams.Connected connected) {
            return connected;
          }
          PodStreams.Failed failed = (PodStreams.Failed) reply;
          throw new RequestBodies.BodyException(ApiStatus.failure(failed.code(), ApiStatus.reason(failed.code()), failed.message()));
        });
  }

  /** The bytes of each message, within this server's bound on one message. */
  private Flow<Message, ByteString, NotUsed> binary() {
    return binary(system, maxMessageBytes);
  }

  /** The bytes of each message, with the default bound on one (for tests). */
  static Flow<Message, ByteString, NotUsed> binary(ActorSystem<?> system) {
    return binary(system, DEFAULT_MAX_MESSAGE_BYTES);
  }

  /**
   * The bytes of each message. Text messages count as their UTF-8 bytes, as Kubernetes reads them:
   * some clients (the Python client's interactive exec) send their input as text. A message longer
   * than {@code maxBytes} fails the stream, which closes the socket: it is not held in memory.
   */
  static Flow<Message, ByteString, NotUsed> binary(ActorSystem<?> system, int maxBytes) {
    Materializer materializer = Materializer.matFromSystem(system);
    return Flow.<Message>create().mapAsync(1, message -> {
      CompletionStage<ByteString> bytes;
      if (message.isText()) {
        var text = message.asTextMessage();
        bytes = text.isStrict()
            ? CompletableFuture.completedFuture(ByteString.fromString(text.getStrictText(), StandardCharsets.UTF_8))
            : text.getStreamedText().map(part -> ByteString.fromString(part, StandardCharsets.UTF_8))
                .limitWeighted(maxBytes, part -> (long) part.size())
                .runFold(ByteString.emptyByteString(), ByteString::concat, materializer);
      } else {
        BinaryMessage binary = message.asBinaryMessage();
        bytes = binary.isStrict()
            ? CompletableFuture.completedFuture(binary.getStrictData())
            : binary.getStreamedData().limitWeighted(maxBytes, part -> (long) part.size())
                .runFold(ByteString.emptyByteString(), ByteString::concat, materializer);
      }
      return bytes.handle((all, failure) -> {
        if (failure != null || all.size() > maxBytes) {
          throw new MessageTooLarge(maxBytes);
        }
        return all;
      });
    });
  }

  /** A client's message longer than the server takes; the socket is closed. */
  static final class MessageTooLarge extends RuntimeException {
    MessageTooLarge(int maxBytes) {
      super("a WebSocket message longer than %d bytes (dirigent.api.max-stream-message-bytes) was refused; the socket is closed".formatted(maxBytes));
    }
  }

  private static WebSocketUpgrade upgrade(HttpRequest request, String what) {
    return request.getAttribute(AttributeKeys.webSocketUpgrade).orElseThrow(() -> badRequest(
        "Upgrade request required: %s needs a WebSocket connection (kubectl 1.30 or newer); SPDY upgrades are not served".formatted(what)));
  }

  /** The subprotocols as the client wrote them, including those Pekko HTTP's header parser refuses. */
  private static List<String> protocols(HttpRequest request) {
    List<String> offered = new java.util.ArrayList<>();
    for (var header : request.getHeaders()) {
      if (header.lowercaseName().equals("sec-websocket-protocol")) {
        for (String protocol : header.value().split(",")) {
          offered.add(protocol.strip());
        }
      }
    }
    return offered;
  }

  private static String node(JsonNode pod) {
    String node = pod.path("spec").path("nodeName").asText("");
    if (node.isEmpty()) {
      throw badRequest("pod %s does not have a host assigned".formatted(pod.path("metadata").path("name").asText()));
    }
    return node;
  }

  private static String uid(JsonNode pod) {
    return pod.path("metadata").path("uid").asText();
  }

  private static RuntimeException badRequest(String message) {
    return StoreError.of(StoreError.Reason.BAD_REQUEST, message).toException();
  }
}
