package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.ChannelSocket;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirigent port-forward POD [LOCAL:]REMOTE...}: listens on local ports and forwards each
 * connection to a port of a pod (or of a workload's or service's pod), one WebSocket per connection
 * in Kubernetes' channel protocol. Runs until stopped.
 */
@Command(name = "port-forward", description = "Forward local ports to a pod's ports.")
final class PortForwardCommand implements Callable<Integer> {

  private static final List<String> PROTOCOLS = List.of("v4.channel.k8s.io");

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "POD", description = "The pod, or TYPE/NAME of a workload or service whose pod to use.")
  String pod;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "[LOCAL:]REMOTE",
      description = "Ports: 8080 (the same port), 8080:80, or :80 (any free local port); REMOTE may be a port's name.")
  List<String> ports = new ArrayList<>();

  @Option(names = "--address", description = "The local address to listen on (default: localhost, i.e. 127.0.0.1).")
  String address = "localhost";

  /** One forwarded port: where it listens, and the pod's port. */
  record Mapping(int local, int remote) {}

  @Override
  public Integer call() throws Exception {
    ApiClient client = options.client();
    String namespace = options.namespace();
    Target target = Target.one(List.of(pod), "pods");
    JsonNode chosen = Pods.pick(client, namespace, target);
    JsonNode service = target.type().resource().equals("services")
        ? client.get(ApiClient.path(target.type(), namespace, target.name())) : null;
    String podPath = ApiClient.path(ClientOptions.resource("pods"), namespace, KubeJson.name(chosen));
    PrintWriter out = spec.commandLine().getOut();
    InetAddress bind = InetAddress.getByName(address.equals("localhost") ? "127.0.0.1" : address);
    List<Thread> listeners = new ArrayList<>();
    for (String portSpec : ports) {
      Mapping mapping = PortSpecs.parse(portSpec, chosen, service);
      ServerSocket server = new ServerSocket();
      try {
        server.bind(new InetSocketAddress(bind, mapping.local()));
      } catch (IOException e) {
        throw new CliException("unable to listen on " + bind.getHostAddress() + ":" + mapping.local() + ": " + e.getMessage());
      }
      out.println("Forwarding from " + bind.getHostAddress() + ":" + server.getLocalPort() + " -> " + mapping.remote());
      Thread listener = new Thread(() -> accept(server, client, podPath, mapping.remote(), out), "port-forward-" + server.getLocalPort());
      listeners.add(listener);
    }
    out.flush();
    listeners.forEach(Thread::start);
    // Until the process is stopped, as kubectl port-forward runs.
    new CountDownLatch(1).await();
    return 0;
  }

  private static void accept(ServerSocket server, ApiClient client, String podPath, int remote, PrintWriter out) {
    while (true) {
      Socket connection;
      try {
        connection = server.accept();
      } catch (IOException e) {
        return;
      }
      synchronized (out) {
        out.println("Handling connection for " + server.getLocalPort());
        out.flush();
      }
      Thread forward = new Thread(() -> forward(connection, client, podPath, remote), "port-forward-connection");
      forward.setDaemon(true);
      forward.start();
    }
  }

  /** Joins one local connection to the pod's port until either side ends. */
  private static void forward(Socket connection, ApiClient client, String podPath, int remote) {
    // The server first sends the port (two bytes) on both channels; what follows is the connection's.
    int[] prefixLeft = {2, 2};
    StringBuilder error = new StringBuilder();
    try (connection) {
      OutputStream toLocal = connection.getOutputStream();
      ChannelSocket socket = ChannelSocket.open(client, podPath + "/portforward?ports=" + remote, PROTOCOLS, (channel, data) -> {
        if (channel > 1) {
          return;
        }
        int skip = Math.min(prefixLeft[channel], data.length);
        prefixLeft[channel] -= skip;
        if (channel == 0) {
          toLocal.write(data, skip, data.length - skip);
          toLocal.flush();
        } else {
          error.append(new String(data, skip, data.length - skip, StandardCharsets.UTF_8));
        }
      });
      Thread upstream = new Thread(() -> copyToPod(connection, socket), "port-forward-upstream");
      upstream.setDaemon(true);
      upstream.start();
      socket.closed().toCompletableFuture().exceptionally(failure -> null).join();
      if (!error.isEmpty()) {
        System.err.println("error: an error occurred forwarding " + connection.getLocalPort() + " -> " + remote + ": " + error);
      }
    } catch (CliException | IOException e) {
      System.err.println("error: an error occurred forwarding " + connection.getLocalPort() + " -> " + remote + ": " + e.getMessage());
    }
  }

  /** What the local side sends, to the pod; its end closes the socket (the protocol has no half-close). */
  private static void copyToPod(Socket connection, ChannelSocket socket) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = connection.getInputStream();
      for (int read; (read = in.read(buffer)) >= 0; ) {
        if (read > 0) {
          socket.send(0, buffer, 0, read);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The connection or the socket ended; closing below ends the other side too.
    }
    socket.close();
  }
}
