package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Kubectl;
import io.dirigent.cli.testing.SecondEngine;
import io.dirigent.cli.testing.SecondHost;
import io.dirigent.core.net.Ipv4;
import io.dirigent.core.net.Ipv4Cidr;
import io.dirigent.core.testing.Await;
import io.dirigent.node.network.HostCommand;
import io.dirigent.node.network.HostNetwork;
import io.dirigent.node.network.NetworkSettings;
import io.dirigent.node.runtime.DockerRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pod network over two real hosts on this machine: this one, and {@link SecondHost}'s network
 * namespace with a Docker engine of its own ({@link SecondEngine}), joined by a veth "LAN". A
 * control-plane-and-worker member runs pods on this host's engine, a worker member inside the
 * namespace runs pods on the second engine, and the pods reach each other over the VXLAN overlay
 * between the two hosts' addresses (or host routes, host-gw), by their own addresses (no NAT between pods), through a
 * Service's ClusterIP and through a NodePort on this host that a pod on the other serves; what
 * leaves the cluster is masqueraded; a deleted node's routes go. Nothing is left behind: the
 * namespace, the second engine, and this host's bridge, VXLAN device, routes and rules.
 */
class PodNetworkIT {

  private static final String HOST_A = "net-a";
  private static final String HOST_B = "net-b";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vxlan", "host-gw"})
  void podsOnTwoHostsReachEachOtherByAddressAndThroughServices(String mode, @TempDir Path dataDir, @TempDir Path workerDir, @TempDir Path home)
      throws Exception {
    Process worker = null;
    Ipv4Cidr[] thisHostsRange = new Ipv4Cidr[1];
    try (SecondHost host = SecondHost.create(); SecondEngine engine = SecondEngine.start(host)) {
      String modeOption = "-Ddirigent.network.mode=" + mode;
      BinDirigent.Run up = run(java.util.Map.of("DIRIGENT_JAVA_OPTS", modeOption), "up", "--data-dir", dataDir.toString(), "--host", SecondHost.HERE, "--port", "0", "--api-port", "0",
          "--node-name", HOST_A);
      assertThat(up.exit()).as(up.output()).isZero();
      String kubeconfig = dataDir.resolve("kubeconfig").toString();
      Kubectl kubectl = new Kubectl(home, kubeconfig);
      worker = startWorker(host, kubeconfig, workerDir, modeOption);
      Await.untilQuietly("both nodes Ready", Duration.ofSeconds(120), () -> kubectl.run("get", "nodes").out().lines()
          .filter(line -> line.matches("net-[ab]\\s+Ready\\s+.*")).count() == 2);

      // Addresses: each node its own range of the cluster's network.
      Ipv4Cidr cluster = Ipv4Cidr.of("10.244.0.0/16", "the cluster's pod network");
      Ipv4Cidr rangeA = range(kubectl, HOST_A);
      thisHostsRange[0] = rangeA;
      Ipv4Cidr rangeB = range(kubectl, HOST_B);
      assertThat(cluster.contains(rangeA) && cluster.contains(rangeB)).as(rangeA + " and " + rangeB).isTrue();
      assertThat(rangeA.overlaps(rangeB)).isFalse();

      Path manifest = dataDir.resolve("pods.yaml");
      Files.writeString(manifest, echo("echo-a", HOST_A) + echo("echo-b", HOST_B) + sleeper("client-a", HOST_A) + sleeper("client-b", HOST_B) + """
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: echo-b}
          spec:
            type: NodePort
            selector: {app: echo-b}
            ports: [{port: 80, targetPort: 8080}]
          """);
      var applied = kubectl.run("apply", "-f", manifest.toString());
      assertThat(applied.exit()).as(applied.all()).isZero();
      for (String pod : List.of("echo-a", "echo-b", "client-a", "client-b")) {
        Await.untilQuietly(pod + " ready", Duration.ofSeconds(120), () ->
            kubectl.run("get", "pod", pod, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").out().strip().equals("True"));
      }
      String echoA = podIp(kubectl, "echo-a");
      String echoB = podIp(kubectl, "echo-b");
      String clientA = podIp(kubectl, "client-a");
      String clientB = podIp(kubectl, "client-b");
      assertThat(List.of(echoA, clientA)).allMatch(ip -> rangeA.contains(Ipv4.parse(ip).orElseThrow()));
      assertThat(List.of(echoB, clientB)).allMatch(ip -> rangeB.contains(Ipv4.parse(ip).orElseThrow()));

      // Pod to pod across the hosts, both ways, each seen by its own address: no NAT between pods.
      assertThat(remoteAddress(fetch(kubectl, "client-a", "http://" + echoB + ":8080/cgi-bin/ip"))).isEqualTo(clientA);
      assertThat(remoteAddress(fetch(kubectl, "client-b", "http://" + echoA + ":8080/cgi-bin/ip"))).isEqualTo(clientB);
      // The encapsulation's 50 bytes come off the pods' MTU (the link's is 1500); host routes take nothing off.
      var mtu = kubectl.run("exec", "client-b", "--", "cat", "/sys/class/net/eth0/mtu");
      assertThat(mtu.out().strip()).as(mtu.all()).isEqualTo(mode.equals("vxlan") ? "1450" : "1500");

      // A Service whose only endpoint is on the other host: its ClusterIP from a pod here, its NodePort on this host.
      String clusterIp = kubectl.run("get", "service", "echo-b", "-o", "jsonpath={.spec.clusterIP}").out().strip();
      String nodePort = kubectl.run("get", "service", "echo-b", "-o", "jsonpath={.spec.ports[0].nodePort}").out().strip();
      Await.untilQuietly("the Service's endpoint is echo-b", Duration.ofSeconds(30), () ->
          kubectl.run("get", "endpoints", "echo-b", "-o", "jsonpath={.subsets[0].addresses[0].ip}").out().strip().equals(echoB));
      assertThat(remoteAddress(fetch(kubectl, "client-a", "http://" + clusterIp + "/cgi-bin/ip"))).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
      HttpResponse<String> viaNodePort = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://" + SecondHost.HERE + ":" + nodePort + "/cgi-bin/ip")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(viaNodePort.statusCode()).isEqualTo(200);
      assertThat(remoteAddress(viaNodePort.body())).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");

      // A service address no rule translated is refused on the pod's own host, never routed out of it.
      var unserved = kubectl.run("exec", "client-a", "--", "timeout", "15", "wget", "-q", "-O", "-", "http://10.96.255.254/");
      assertThat(unserved.exit()).as(unserved.all()).isNotZero();
      assertThat(unserved.all()).as("refused at once, not answered from elsewhere").contains("Connection refused");

      // Leaving the cluster (to an address on this host's side of the link), a pod's packets carry its node's address.
      try (ServerSocket outside = new ServerSocket()) {
        outside.bind(new InetSocketAddress(InetAddress.getByName(SecondHost.HERE), 0));
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
          try (Socket accepted = outside.accept()) {
            return accepted.getInetAddress().getHostAddress();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        kubectl.run("exec", "client-b", "--", "sh", "-c", "echo hello | nc -w 2 " + SecondHost.HERE + " " + outside.getLocalPort());
        assertThat(seen.get(20, TimeUnit.SECONDS)).isEqualTo(SecondHost.THERE);
      }

      // A node that goes takes its routes along.
      assertThat(HostCommand.check("ip", "-4", "route", "show", rangeB.toString()))
          .contains(mode.equals("vxlan") ? "via " + rangeB.address(0) + " dev " + HostNetwork.VXLAN : "via " + SecondHost.THERE);
      worker.destroy();
      worker.waitFor(60, TimeUnit.SECONDS);
      var deleted = kubectl.run("delete", "node", HOST_B);
      assertThat(deleted.exit()).as(deleted.all()).isZero();
      Await.untilQuietly("the route to " + rangeB + " and the forwarding entry to " + SecondHost.THERE + " gone", Duration.ofSeconds(30), () ->
          HostCommand.check("ip", "-4", "route", "show", rangeB.toString()).isBlank()
              && (!mode.equals("vxlan") || !HostCommand.check("bridge", "fdb", "show", "dev", HostNetwork.VXLAN).contains(SecondHost.THERE)));
    } finally {
      if (worker != null) {
        worker.destroy();
        worker.waitFor(60, TimeUnit.SECONDS);
      }
      run("down", "--data-dir", dataDir.toString());
      try {
        // Its pods' app containers too: they share their sandbox's network namespace, not the network.
        io.dirigent.cli.testing.Leftovers.removeContainersOf(dataDir);
        removeThisHostsPodNetwork(thisHostsRange[0]);
      } catch (Exception e) {
        // Asserted below when the test got that far; otherwise its own failure is the one to see.
        e.printStackTrace();
      }
    }
    assertThat(HostCommand.run("ip", "link", "show", HostNetwork.VXLAN).ok()).as("the VXLAN device is gone").isFalse();
    assertThat(HostCommand.check("ip", "-4", "route", "show", "proto", "177")).as("no route of the pod network is left").isBlank();
  }

  /** This host's pods (the server's down leaves them running, for the next server to adopt), then what the pod network made. */
  private static void removeThisHostsPodNetwork(Ipv4Cidr range) throws Exception {
    if (range == null) {
      return;
    }
    Process pods = new ProcessBuilder("sh", "-c", "docker ps -aq --filter network=" + HostNetwork.networkName(range) + " | xargs -r docker rm -f")
        .redirectErrorStream(true).start();
    pods.getInputStream().readAllBytes();
    pods.waitFor(60, TimeUnit.SECONDS);
    try (DockerRuntime docker = new DockerRuntime("unix:///var/run/docker.sock", "dirigent/pause:1", 2)) {
      new HostNetwork(new NetworkSettings(NetworkSettings.Mode.VXLAN, Ipv4Cidr.of("10.244.0.0/16", "cluster"), 8472, 1, 0,
          Duration.ofSeconds(30), "DIRIGENT", Ipv4Cidr.of("10.96.0.0/16", "services")), docker).remove(range);
    }
  }

  /** The worker member on the second host, on its engine, joined with the line `dirigent token create` prints. */
  private static Process startWorker(SecondHost host, String kubeconfig, Path workerDir, String modeOption) throws Exception {
    BinDirigent.Run created = run("token", "create", "--ttl", "1h", "--kubeconfig", kubeconfig);
    assertThat(created.exit()).as(created.output()).isZero();
    String joinLine = created.output().lines().toList().get(1);
    List<String> command = new ArrayList<>(List.of(BinDirigent.SCRIPT.toString(), "server"));
    command.addAll(List.of(joinLine.substring(joinLine.indexOf("dirigent server ") + "dirigent server ".length()).split(" ")));
    command.addAll(List.of("--host", SecondHost.THERE, "--port", "2551", "--node-name", HOST_B, "--data-dir", workerDir.toString(),
        "--runtime", "docker"));
    ProcessBuilder builder = new ProcessBuilder(host.on(command)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(workerDir.resolve("server.log").toFile()));
    builder.environment().put("DIRIGENT_SKIP_BUILD", "1");
    builder.environment().put("JAVA_TOOL_OPTIONS", "-Ddirigent.node.docker.host=" + SecondEngine.host() + " " + modeOption);
    builder.environment().remove("KUBECONFIG");
    return builder.start();
  }

  /** A pod on {@code node} whose web server answers {@code /cgi-bin/ip} with the address its client came from. */
  private static String echo(String name, String node) {
    return """
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, labels: {app: %s}}
        spec:
          nodeName: %s
          containers:
          - name: web
            image: dirigent/busybox:1
            command: ["sh", "-c"]
            args:
            - |
              mkdir -p /www/cgi-bin
              echo '#!/bin/sh' > /www/cgi-bin/ip
              echo 'echo Content-Type: text/plain' >> /www/cgi-bin/ip
              echo 'echo' >> /www/cgi-bin/ip
              echo 'echo $REMOTE_ADDR' >> /www/cgi-bin/ip
              chmod +x /www/cgi-bin/ip
              exec httpd -f -p 8080 -h /www
            readinessProbe:
              httpGet: {path: /cgi-bin/ip, port: 8080}
              periodSeconds: 1
        """.formatted(name, name, node);
  }

  private static String sleeper(String name, String node) {
    return """
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          nodeName: %s
          containers:
          - {name: shell, image: dirigent/busybox:1, command: ["sleep", "3600"]}
        """.formatted(name, node);
  }

  private static Ipv4Cidr range(Kubectl kubectl, String node) throws Exception {
    String text = kubectl.run("get", "node", node, "-o", "jsonpath={.spec.podCIDR}").out().strip();
    return Ipv4Cidr.parse(text).orElseThrow(() -> new AssertionError("node " + node + " has no range: '" + text + "'"));
  }

  private static String podIp(Kubectl kubectl, String pod) throws Exception {
    return kubectl.run("get", "pod", pod, "-o", "jsonpath={.status.podIP}").out().strip();
  }

  /** What {@code url} answers, fetched from inside {@code pod}. */
  private static String fetch(Kubectl kubectl, String pod, String url) throws Exception {
    // Not wget -T: this busybox wget crashes with it.
    var fetched = kubectl.run("exec", pod, "--", "timeout", "15", "wget", "-q", "-O", "-", url);
    assertThat(fetched.exit()).as("wget %s from %s: %s", url, pod, fetched.all()).isZero();
    return fetched.out().strip();
  }

  /** The client's address as busybox httpd's CGI gives it ({@code [::ffff:10.244.0.2]} on a dual-stack socket), as plain IPv4. */
  private static String remoteAddress(String cgi) {
    String address = cgi.strip();
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    return address.startsWith("::ffff:") ? address.substring("::ffff:".length()) : address;
  }
}
