package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import io.dirigent.node.proxy.IptablesProxier;
import io.dirigent.node.proxy.IptablesRules;
import io.dirigent.node.proxy.ServiceRule;
import io.dirigent.node.proxy.ServiceRules;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The exploits that once reached a host's packet filter through Services and Endpoints, replayed
 * against the real iptables in a network namespace this test makes (so the host's rules are never
 * touched): objects as they might sit in a store written before validation, handed to the proxy as
 * it hands them on every sync. The rules that come out are the service's own, and nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IptablesHostileInputIT {

  private final String namespace = "dirigent-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);

  @BeforeAll
  void createNetworkNamespace() throws Exception {
    assertThat(run("ip", "netns", "add", namespace)).isZero();
  }

  @AfterAll
  void deleteNetworkNamespace() throws Exception {
    run("ip", "netns", "del", namespace);
  }

  @Test
  void hostilePortNamesProtocolsAndEndpointsNeverBecomeRules() throws Exception {
    String injection = "p\"\nCOMMIT\n*filter\n-I INPUT 1 -p tcp --dport 22 -j DROP\nCOMMIT\n";
    Service named = service("named", KubeJson.MAPPER.writeValueAsString(injection), "TCP");
    Service protocol = service("protocol", "\"http\"", "TCP -j ACCEPT\n-A INPUT -p tcp --dport 23 -j DROP");
    Endpoints namedEndpoints = endpoints("named", KubeJson.MAPPER.writeValueAsString(injection),
        "10.244.0.5", "127.0.0.1", "169.254.169.254", "10.244.0.6 -j ACCEPT\n-A INPUT -j DROP");
    Endpoints protocolEndpoints = endpoints("protocol", "\"http\"", "10.244.0.7");
    List<String> skipped = new ArrayList<>();
    List<ServiceRule> rules = ServiceRules.of(List.of(named, protocol), List.of(namedEndpoints, protocolEndpoints), skipped::add);

    IptablesProxier proxier = new IptablesProxier(new IptablesRules("DIRIHOST", "10.96.0.0/16"), namespace);
    proxier.sync(rules);

    String saved = output("ip", "netns", "exec", namespace, "iptables-save");
    assertThat(saved).doesNotContain("--dport 22").doesNotContain("--dport 23").doesNotContain("-A INPUT -j DROP");
    assertThat(lines(saved, "-A INPUT ")).as("INPUT holds only the localnet guard's jump")
        .containsExactly("-A INPUT -m comment --comment \"dirigent localnet guard\" -j DIRIHOST-LOCALNET");
    assertThat(lines(saved, "-A DIRIHOST-LOCALNET ")).hasSize(1).allMatch(line -> line.endsWith("-j DROP"));
    assertThat(lines(saved, "-A ").stream().filter(line -> line.contains("-j DNAT")).toList())
        .as("only the ordinary endpoint is a destination")
        .singleElement().asString().endsWith("--to-destination 10.244.0.5:8080");
    assertThat(skipped).as("%s", skipped).hasSize(4);
    assertThat(skipped).anyMatch(line -> line.contains("unsupported protocol"));

    proxier.close();
    String after = output("ip", "netns", "exec", namespace, "iptables-save");
    assertThat(after).as("closing removes every rule and chain").doesNotContain("DIRIHOST");
  }

  private static Service service(String name, String portName, String protocol) throws IOException {
    return KubeJson.toTyped(KubeJson.MAPPER.readTree("""
        {"metadata":{"name":"%s","namespace":"default"},
         "spec":{"clusterIP":"10.96.0.10","type":"NodePort","ports":[{"name":%s,"port":80,"protocol":%s,"nodePort":30080}]}}
        """.formatted(name, portName, KubeJson.MAPPER.writeValueAsString(protocol))), Service.class);
  }

  private static Endpoints endpoints(String name, String portName, String... ips) throws IOException {
    List<String> addresses = new ArrayList<>();
    for (String ip : ips) {
      addresses.add("{\"ip\":" + KubeJson.MAPPER.writeValueAsString(ip) + "}");
    }
    return KubeJson.toTyped(KubeJson.MAPPER.readTree("""
        {"metadata":{"name":"%s","namespace":"default"},
         "subsets":[{"addresses":[%s],"ports":[{"name":%s,"port":8080}]}]}
        """.formatted(name, String.join(",", addresses), portName)), Endpoints.class);
  }

  private static List<String> lines(String text, String prefix) {
    return text.lines().filter(line -> line.startsWith(prefix)).toList();
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  private static String output(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    return output;
  }
}
