package io.dirigent.compat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.compat.Tables.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * kubectl's tables of NetworkPolicies, Ingresses, IngressClasses and RuntimeClasses, as
 * Kubernetes' printers make them: a policy by its pod selector, an Ingress by its class, first
 * three hosts ({@code *} for none), load-balancer addresses and ports (80, and 443 with TLS), a
 * class by its controller and parameters ({@code Kind.group/name}).
 */
final class NetworkingTables {

  private static final Column NAME = new Column("Name", "string", "name", 0);
  private static final Column AGE = Column.of("Age");
  private static final String NONE = "<none>";
  private static final int MAX_HOSTS = 3;

  private NetworkingTables() {}

  static List<Column> columns(String resource) {
    return switch (resource) {
      case "networkpolicies.networking.k8s.io" -> List.of(NAME, Column.of("Pod-Selector"), AGE);
      case "ingresses.networking.k8s.io" -> List.of(NAME, Column.of("Class"), Column.of("Hosts"), Column.of("Address"), Column.of("Ports"), AGE);
      case "ingressclasses.networking.k8s.io" -> List.of(NAME, Column.of("Controller"), Column.of("Parameters"), AGE);
      case "runtimeclasses.node.k8s.io" -> List.of(NAME, Column.of("Handler"), AGE);
      default -> throw new IllegalArgumentException("not a networking resource: " + resource);
    };
  }

  static List<Object> cells(String resource, JsonNode object, String age) {
    String name = object.path("metadata").path("name").asText();
    JsonNode spec = object.path("spec");
    return switch (resource) {
      case "networkpolicies.networking.k8s.io" -> List.of(name, Tables.selector(spec.path("podSelector")), age);
      case "ingresses.networking.k8s.io" -> List.of(name, spec.path("ingressClassName").asText(NONE), hosts(spec.path("rules")),
          addresses(object.path("status").path("loadBalancer").path("ingress")), spec.path("tls").isEmpty() ? "80" : "80, 443", age);
      case "ingressclasses.networking.k8s.io" -> List.of(name, spec.path("controller").asText(""), parameters(spec.path("parameters")), age);
      case "runtimeclasses.node.k8s.io" -> List.of(name, object.path("handler").asText(""), age);
      default -> throw new IllegalArgumentException("not a networking resource: " + resource);
    };
  }

  /** The first three rules' hosts, then "+ N more..." counting the remaining rules; {@code *} when no rule names a host. */
  static String hosts(JsonNode rules) {
    List<String> hosts = new ArrayList<>();
    boolean more = false;
    for (JsonNode rule : rules) {
      if (hosts.size() == MAX_HOSTS) {
        more = true;
      }
      String host = rule.path("host").asText("");
      if (!more && !host.isEmpty()) {
        hosts.add(host);
      }
    }
    if (hosts.isEmpty()) {
      return "*";
    }
    String shown = String.join(",", hosts);
    return more ? shown + " + " + (rules.size() - MAX_HOSTS) + " more..." : shown;
  }

  /** Each load-balancer entry's IP, else its hostname, sorted and once each; the server's table is the wide one, so unclipped. */
  private static String addresses(JsonNode ingress) {
    TreeSet<String> addresses = new TreeSet<>();
    for (JsonNode entry : ingress) {
      String ip = entry.path("ip").asText("");
      String hostname = entry.path("hostname").asText("");
      if (!ip.isEmpty()) {
        addresses.add(ip);
      } else if (!hostname.isEmpty()) {
        addresses.add(hostname);
      }
    }
    return String.join(",", addresses);
  }

  private static String parameters(JsonNode parameters) {
    if (!parameters.isObject()) {
      return NONE;
    }
    String group = parameters.hasNonNull("apiGroup") ? "." + parameters.path("apiGroup").asText() : "";
    return parameters.path("kind").asText("") + group + "/" + parameters.path("name").asText("");
  }
}
