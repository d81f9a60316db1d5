package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.ApiServer;
import io.dirigent.cli.testing.TwoMembers;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.Await;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code exec} and {@code attach} through the API server of one member into a pod on a node whose agent runs on
 * another: kubectl's WebSocket protocol (v5.channel.k8s.io), spoken here by the JDK's WebSocket
 * client, against the simulated runtime's commands. The real kubectl against real containers, with
 * port forwarding, is in {@link KubectlIT}; the port-forward protocol itself in the API server's
 * PortForwardSessionTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodStreamsAcrossMembersTest {

  private TwoMembers members;
  private ApiServer api;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    members = TwoMembers.start("far-node");
    api = members.api();
    members.runPod("shell");
    // The agent's registration reaches the other member's receptionist by gossip, within seconds.
    Await.until("the agent's stream service is known to the API server's member", Duration.ofSeconds(30),
        () -> {
          try {
            return exec("echo", "ready").status().path("status").asText().equals("Success");
          } catch (Exception notYet) {
            return false;
          }
        });
  }

  @AfterAll
  void stop() {
    if (members != null) {
      members.close();
    }
  }

  @Test
  void execStreamsStdoutThenASuccessStatusOnTheErrorChannel() throws Exception {
    Session session = exec("echo", "hello", "from", "afar");

    assertThat(session.protocol()).isEqualTo("v5.channel.k8s.io");
    assertThat(session.channel(1)).isEqualTo("hello from afar\n");
    assertThat(session.status().path("status").asText()).isEqualTo("Success");
  }

  @Test
  void stdinReachesTheCommandAndItsCloseSignalEndsIt() throws Exception {
    Session session = open("/exec?command=cat&stdin=true&stdout=true&stderr=true");
    session.send((byte) 0, "line one\n");
    session.send((byte) 0, "line two\n");
    session.send((byte) 255, new String(new byte[] {0}, StandardCharsets.ISO_8859_1));

    session.awaitClose();
    assertThat(session.channel(1)).isEqualTo("line one\nline two\n");
    assertThat(session.status().path("status").asText()).isEqualTo("Success");
  }

  @Test
  void stdinSentAsTextMessagesCountsAsItsUtf8Bytes() throws Exception {
    Session session = open("/exec?command=cat&stdin=true&stdout=true");
    // The Python client's interactive exec: the channel is the text's first character.
    session.sendText("\u0000caf\u00e9\n");
    // The close signal is binary: as text, 255 would be two UTF-8 bytes.
    session.send((byte) 255, new String(new byte[] {0}, StandardCharsets.ISO_8859_1));

    session.awaitClose();
    assertThat(session.channel(1)).isEqualTo("caf\u00e9\n");
    assertThat(session.status().path("status").asText()).isEqualTo("Success");
  }

  @Test
  void theBase64FormOfTheProtocolCarriesFramesAsText() throws Exception {
    Session session = open("/exec?command=cat&stdin=true&stdout=true", "v4.base64.channel.k8s.io");
    // '0' + channel, then the data in base64: "typed\n" on stdin.
    session.sendText("0" + java.util.Base64.getEncoder().encodeToString("typed\n".getBytes(StandardCharsets.UTF_8)));
    // The close signal for stdin: channel 255 is '0' + 255 in a byte, '/'; its data the byte 0.
    session.sendText("/AA==");

    session.awaitClose();
    assertThat(session.protocol()).isEqualTo("v4.base64.channel.k8s.io");
    assertThat(session.channel(1)).isEqualTo("typed\n");
    assertThat(session.status().path("status").asText()).isEqualTo("Success");
  }

  @Test
  void attachJoinsTheContainersOwnStreamsAndEndsWithSuccess() throws Exception {
    Session session = open("/attach?stdin=true&stdout=true&stderr=true");
    session.send((byte) 0, "typed at the container\n");
    // Channels a client may not send on, and empty messages, are dropped: the stream goes on.
    session.send((byte) 7, "nobody reads this");
    session.sendBinary(ByteString.emptyByteString());
    session.send((byte) 4, "{not json");
    session.send((byte) 0, "and more\n");
    session.send((byte) 255, new String(new byte[] {0}, StandardCharsets.ISO_8859_1));

    session.awaitClose();
    assertThat(session.protocol()).isEqualTo("v5.channel.k8s.io");
    assertThat(session.channel(1)).isEqualTo("typed at the container\nand more\n");
    assertThat(session.status().path("status").asText()).isEqualTo("Success");
  }

  @Test
  void aMessageLongerThanTheBoundClosesTheSocketAndTheServerGoesOn() throws Exception {
    Session session = open("/exec?command=cat&stdin=true&stdout=true");
    byte[] huge = new byte[5 * 1024 * 1024];
    session.sendBinary(ByteString.fromArrayUnsafe(huge));

    assertThat(session.closedWithin()).isTrue();
    assertThat(session.channel(1)).isEmpty();
    assertThat(exec("echo", "still", "here").channel(1)).isEqualTo("still here\n");
  }

  @Test
  void portForwardWithoutASubprotocolSpeaksTheBinaryChannelProtocol() throws Exception {
    Session session = new Session();
    URI uri = URI.create(api.url().replace("http://", "ws://") + "/api/v1/namespaces/default/pods/shell/portforward?ports=8080");
    session.socket = http.newWebSocketBuilder().buildAsync(uri, session).get(30, TimeUnit.SECONDS);

    session.awaitClose();
    assertThat(session.protocol()).isEmpty();
    // The port (8080 = 0x1F90, little-endian) first on both channels, then why nothing was forwarded.
    assertThat(session.first(0)).isEqualTo(ByteString.fromArray(new byte[] {0, (byte) 0x90, 0x1F}));
    assertThat(session.first(1)).isEqualTo(ByteString.fromArray(new byte[] {1, (byte) 0x90, 0x1F}));
    assertThat(session.channel(1)).endsWith("runs on a simulated node, which has no network to forward port 8080 to");
  }

  @Test
  void attachRequestsThatCannotBecomeAStreamAreAnsweredWithAStatus() throws Exception {
    String base = api.url() + "/api/v1/namespaces/default/pods/";
    HttpResponse<String> noStreams = http.send(HttpRequest.newBuilder(URI.create(base + "shell/attach")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noStreams.statusCode()).isEqualTo(400);
    assertThat(noStreams.body()).contains("you must specify at least 1 of stdin, stdout, stderr");

    HttpResponse<String> wrongContainer = http.send(HttpRequest.newBuilder(URI.create(base + "shell/attach?stdout=true&container=nope")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wrongContainer.statusCode()).isEqualTo(400);
    assertThat(wrongContainer.body()).contains("container nope is not valid for pod shell");

    HttpResponse<String> notUpgraded = http.send(HttpRequest.newBuilder(URI.create(base + "shell/attach?stdout=true")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notUpgraded.statusCode()).isEqualTo(400);
    assertThat(notUpgraded.body()).contains("Upgrade request required: attach needs a WebSocket connection");

    CompletableFuture<WebSocket> unknownProtocol = http.newWebSocketBuilder().subprotocols("v9.channel.k8s.io")
        .buildAsync(URI.create(base.replace("http://", "ws://") + "shell/attach?stdout=true"), new Session());
    assertThat(unknownProtocol).failsWithin(Duration.ofSeconds(30));
  }

  @Test
  void aNonZeroExitIsAFailureStatusCarryingTheExitCode() throws Exception {
    Session session = exec("sh", "-c", "exit 3");

    JsonNode status = session.status();
    assertThat(status.path("status").asText()).isEqualTo("Failure");
    assertThat(status.path("reason").asText()).isEqualTo("NonZeroExitCode");
    assertThat(status.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("ExitCode");
    assertThat(status.path("details").path("causes").get(0).path("message").asText()).isEqualTo("3");

    Session missing = exec("nonesuch");
    assertThat(missing.channel(2)).contains("nonesuch: not found");
    assertThat(missing.status().path("details").path("causes").get(0).path("message").asText()).isEqualTo("127");
  }

  @Test
  void requestsThatCannotBecomeAStreamAreAnsweredWithAStatus() throws Exception {
    String base = api.url() + "/api/v1/namespaces/default/pods/";
    HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(base + "shell/exec?command=ls&stdout=true")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(400);
    assertThat(plain.body()).contains("Upgrade request required");

    HttpResponse<String> noCommand = http.send(HttpRequest.newBuilder(URI.create(base + "shell/exec?stdout=true")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noCommand.statusCode()).isEqualTo(400);
    assertThat(noCommand.body()).contains("at least one command");

    HttpResponse<String> wrongContainer = http.send(HttpRequest.newBuilder(
        URI.create(base + "shell/exec?command=ls&stdout=true&container=nope")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(wrongContainer.statusCode()).isEqualTo(400);
    assertThat(wrongContainer.body()).contains("container nope is not valid for pod shell");

    // Why the stream cannot open comes before whether the client asked for a WebSocket: kubectl
    // retries a refused WebSocket as a SPDY upgrade and prints the second answer.
    Await.result(members.controlPlane().store().create(new PodBuilder().withNewMetadata().withName("stranded").withNamespace("default").endMetadata()
        .withNewSpec().withNodeName("nowhere").addNewContainer().withName("app").withImage("dirigent/busybox:1").endContainer()
        .endSpec().build()));
    HttpResponse<String> noAgent = http.send(HttpRequest.newBuilder(URI.create(base + "stranded/exec?command=ls&stdout=true"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noAgent.statusCode()).isEqualTo(503);
    assertThat(noAgent.body()).contains("the agent of node nowhere is not reachable");

    HttpResponse<String> noPod = http.send(HttpRequest.newBuilder(URI.create(base + "ghost/portforward")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noPod.statusCode()).isEqualTo(404);

    HttpResponse<String> notUpgraded = http.send(HttpRequest.newBuilder(URI.create(base + "shell/portforward")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notUpgraded.statusCode()).isEqualTo(400);
    assertThat(notUpgraded.body()).contains("Upgrade request required: port forwarding needs a WebSocket connection");
  }

  private Session exec(String... command) throws Exception {
    StringBuilder query = new StringBuilder("/exec?stdout=true&stderr=true");
    for (String part : command) {
      query.append("&command=").append(java.net.URLEncoder.encode(part, StandardCharsets.UTF_8));
    }
    Session session = open(query.toString());
    session.awaitClose();
    return session;
  }

  private Session open(String subresource) throws Exception {
    return open(subresource, "v5.channel.k8s.io");
  }

  private Session open(String subresource, String protocol) throws Exception {
    Session session = new Session();
    URI uri = URI.create(api.url().replace("http://", "ws://") + "/api/v1/namespaces/default/pods/shell" + subresource);
    session.socket = http.newWebSocketBuilder().subprotocols(protocol).buildAsync(uri, session).get(30, TimeUnit.SECONDS);
    return session;
  }

  /** One WebSocket: what arrived, by message, and whether it closed. */
  private static final class Session implements WebSocket.Listener {
    private final List<ByteString> messages = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private WebSocket socket;

    String protocol() {
      return socket.getSubprotocol();
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      synchronized (this) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partial.writeBytes(bytes);
        if (last) {
          messages.add(ByteString.fromArray(partial.toByteArray()));
          partial.reset();
        }
      }
      webSocket.request(1);
      return null;
    }

    /** A base64 frame: '0' plus the channel, then the data; kept as the frame it carries. */
    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      synchronized (this) {
        String text = data.toString();
        messages.add(ByteString.fromArray(new byte[] {(byte) (text.charAt(0) - '0')})
            .concat(ByteString.fromArray(java.util.Base64.getDecoder().decode(text.substring(1)))));
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }

    void send(byte channel, String data) {
      sendBinary(ByteString.fromArray(new byte[] {channel}).concat(ByteString.fromString(data, StandardCharsets.ISO_8859_1)));
    }

    void sendBinary(ByteString bytes) {
      socket.sendBinary(bytes.asByteBuffer(), true).join();
    }

    void sendText(String text) {
      socket.sendText(text, true).join();
    }

    void awaitClose() throws Exception {
      closed.get(30, TimeUnit.SECONDS);
    }

    /** Whether the socket ended, closed or broken, within 30 seconds. */
    boolean closedWithin() {
      try {
        closed.get(30, TimeUnit.SECONDS);
        return true;
      } catch (java.util.concurrent.ExecutionException broken) {
        return true;
      } catch (Exception notYet) {
        return false;
      }
    }

    /** The first message that arrived on {@code channel}, its channel byte included. */
    synchronized ByteString first(int channel) {
      return messages.stream().filter(message -> !message.isEmpty() && (message.apply(0) & 0xff) == channel).findFirst().orElseThrow();
    }

    /** Everything that arrived on {@code channel}, in order. */
    synchronized String channel(int channel) {
      StringBuilder text = new StringBuilder();
      for (ByteString message : messages) {
        if (!message.isEmpty() && (message.apply(0) & 0xff) == channel) {
          text.append(message.drop(1).utf8String());
        }
      }
      return text.toString();
    }

    JsonNode status() throws Exception {
      return KubeJson.MAPPER.readTree(channel(3));
    }
  }
}
