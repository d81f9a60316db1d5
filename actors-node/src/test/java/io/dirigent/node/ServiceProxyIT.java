package io.dirigent.node;

import static io.dirigent.node.testing.NodeTesting.awaitPod;
import static io.dirigent.node.testing.NodeTesting.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dirigent.core.cluster.ClusterNode;
import io.dirigent.core.testing.Await;
import io.dirigent.node.proxy.IptablesProxier;
import io.dirigent.node.proxy.IptablesRules;
import io.dirigent.node.proxy.UserspaceProxier;
import io.dirigent.node.runtime.DockerRuntime;
import io.dirigent.node.testing.DockerEngine;
import io.dirigent.node.testing.NodeTesting;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services reached through the service proxy, on the real Docker engine and the host's real
 * iptables (and, separately, the userspace proxy): three pod endpoints behind a NodePort on
 * 127.0.0.1 and behind the ClusterIP. Only loopback, the tests' own containers and the service
 * range (which the proxy must keep on the host) are contacted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceProxyIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PREFIX = "DIRITEST";

  @TempDir static Path dataDir;
  private ClusterNode member;
  private DockerRuntime runtime;
  private NodeAgents agents;
  private NodeSettings settings;
  private String namespace;
  private final Map<String, String> podIps = new LinkedHashMap<>();

  @BeforeAll
  void start() {
    DockerEngine.ensure();
    member = NodeTesting.member(dataDir);
    runtime = new DockerRuntime("unix:///var/run/docker.sock", "dirigent/pause:1", 16);
    agents = NodeAgents.create(member.system(), member.store(), Clock.systemUTC());
    settings = NodeTesting.node(member, unique("proxy"));
    agents.startAgent(settings, runtime);
    namespace = NodeTesting.namespace(member);
    for (int i = 0; i < 3; i++) {
      Await.result(member.store().create(new PodBuilder().withNewMetadata().withName("web-" + i).withNamespace(namespace)
          .withLabels(Map.of("app", "web")).endMetadata()
          .withNewSpec().withNodeName(settings.name()).withTerminationGracePeriodSeconds(1L)
          .addNewContainer().withName("web").withImage("dirigent/httpenv:1").addNewPort().withContainerPort(8888).endPort().endContainer()
          .endSpec().build()));
    }
    for (int i = 0; i < 3; i++) {
      Pod running = awaitPod(member, namespace, "web-" + i, "Running", WAIT, NodeTesting::running);
      podIps.put("web-" + i, running.getStatus().getPodIP());
    }
  }

  @AfterAll
  void stop() {
    NodeTesting.stopAll(agents, runtime, settings, member);
  }


  private Service service(String name) {
    return Await.result(member.store().create(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withType("NodePort").withSelector(Map.of("app", "web"))
        .addNewPort().withPort(80).withTargetPort(new IntOrString(8888)).endPort().endSpec().build()));
  }

  /** Endpoints naming these pods, as the endpoints controller would write them. */
  private void endpoints(String service, List<String> pods) {
    List<EndpointAddress> addresses = pods.stream().map(pod -> new EndpointAddress(null, podIps.get(pod), null, null)).toList();
    Endpoints endpoints = new EndpointsBuilder().withNewMetadata().withName(service).withNamespace(namespace).endMetadata()
        .addNewSubset().withAddresses(addresses).addNewPort().withPort(8888).withProtocol("TCP").endPort().endSubset().build();
    var existing = member.store().get(Endpoints.class, namespace, service).toCompletableFuture().handle((found, failure) -> found).join();
    if (existing == null) {
      Await.result(member.store().create(endpoints));
    } else {
      Await.result(member.store().update(endpoints));
    }
  }

  @Test
  void iptablesRulesSpreadNodePortAndClusterIpTrafficOverTheEndpointsAndFollowThem() throws Exception {
    Service service = service("spread");
    int nodePort = service.getSpec().getPorts().get(0).getNodePort();
    String clusterIp = service.getSpec().getClusterIP();
    endpoints("spread", List.of("web-0", "web-1", "web-2"));
    IptablesRules rules = new IptablesRules(PREFIX, "10.96.0.0/16");
    agents.startProxy(new IptablesProxier(rules));
    try {
      Set<String> all = Set.of("web-0", "web-1", "web-2");
      Await.until("all three pods answer on the NodePort", WAIT, () -> answers("127.0.0.1", nodePort, 60).containsAll(all));
      Await.until("all three pods answer on the ClusterIP", WAIT, () -> answers(clusterIp, 80, 60).containsAll(all));

      endpoints("spread", List.of("web-0", "web-1"));
      Await.until("web-2 gets no more traffic", WAIT, () -> answers("127.0.0.1", nodePort, 30).equals(Set.of("web-0", "web-1")));
      assertThat(answers(clusterIp, 80, 40)).containsExactlyInAnyOrder("web-0", "web-1");

      // An address in the service range that no service has: rejected on the host at once.
      assertThatThrownBy(() -> get("10.96.255.254", 80)).isInstanceOf(ConnectException.class);
    } finally {
      agents.stopProxies();
    }
    assertThat(DockerEngine.docker("version").exit()).isZero();
    String nat = new String(new ProcessBuilder("iptables-save", "-t", "nat").start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(nat).as("the proxy removed its rules when it stopped").doesNotContain(PREFIX + "-");
  }

  @Test
  void theUserspaceProxyRoundRobinsOverTheEndpoints() throws Exception {
    Service service = service("relay");
    int nodePort = service.getSpec().getPorts().get(0).getNodePort();
    endpoints("relay", List.of("web-0", "web-1", "web-2"));
    agents.startProxy(new UserspaceProxier(member.system(), List.of("127.0.0.1")));
    try {
      Await.until("the NodePort answers", WAIT, () -> !answers("127.0.0.1", nodePort, 1).isEmpty());
      List<String> order = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        order.add(get("127.0.0.1", nodePort));
      }
      assertThat(new HashSet<>(order)).containsExactlyInAnyOrder("web-0", "web-1", "web-2");
      assertThat(order.subList(0, 3)).as("round robin").isEqualTo(order.subList(3, 6));

      endpoints("relay", List.of("web-1"));
      Await.until("only web-1 answers", WAIT, () -> answers("127.0.0.1", nodePort, 6).equals(Set.of("web-1")));
    } finally {
      agents.stopProxies();
    }
  }

  /** Which pods answered {@code count} requests, each on a new connection; failures are skipped. */
  private static Set<String> answers(String host, int port, int count) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < count; i++) {
      try {
        seen.add(get(host, port));
      } catch (IOException e) {
        // not answering yet
      }
    }
    return seen;
  }

  /** One HTTP/1.0 GET on a fresh connection; answers the body's last line (httpenv's hostname). */
  private static String get(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 3000);
      socket.setSoTimeout(3000);
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.0\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!response.startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP answer: " + response);
      }
      return response.substring(response.lastIndexOf('\n') + 1).strip();
    }
  }
}
