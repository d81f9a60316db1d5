package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.net.Ipv4;
import io.dirigent.core.net.Ipv4Cidr;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Services, Endpoints and container ports, as Kubernetes validates them. Everything here ends up
 * in a node's packet filter rules (names in comments, protocols, addresses, ports), so nothing
 * passes that is not exactly a port number, a protocol, a DNS label or an ordinary IPv4 address.
 */
final class NetworkRules {

  static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

  private NetworkRules() {}

  /**
   * A Node's pod range: agents turn it into a bridge, routes and VXLAN forwarding entries, so it is
   * a strict IPv4 CIDR, and {@code podCIDRs} (this cluster's pod network is IPv4 only) holds at
   * most that one block.
   */
  static void node(JsonNode spec, List<FieldError> errors) {
    JsonNode podCidr = spec.path("podCIDR");
    boolean unset = podCidr.isMissingNode() || podCidr.isNull() || podCidr.isTextual() && podCidr.asText().isEmpty();
    if (!unset && (!podCidr.isTextual() || Ipv4Cidr.parse(podCidr.asText()).isEmpty())) {
      errors.add(FieldError.invalid("spec.podCIDR", podCidr.asText(), "must be an IPv4 block in CIDR notation with no host bits set (e.g. 10.244.1.0/24)"));
    }
    JsonNode podCidrs = spec.path("podCIDRs");
    if (podCidrs.isMissingNode() || podCidrs.isNull()) {
      return;
    }
    if (!podCidrs.isArray()) {
      errors.add(FieldError.invalid("spec.podCIDRs", podCidrs.toString(), "must be a list of CIDRs"));
      return;
    }
    if (podCidrs.size() > 1) {
      List<String> blocks = new java.util.ArrayList<>();
      podCidrs.forEach(block -> blocks.add(block.asText()));
      errors.add(FieldError.invalid("spec.podCIDRs", String.join(",", blocks), "may hold at most one block: this cluster's pod network is IPv4 only"));
    }
    for (int i = 0; i < podCidrs.size(); i++) {
      JsonNode cidr = podCidrs.get(i);
      if (!cidr.isTextual() || Ipv4Cidr.parse(cidr.asText()).isEmpty()) {
        errors.add(FieldError.invalid("spec.podCIDRs[" + i + "]", cidr.asText(), "must be an IPv4 block in CIDR notation with no host bits set (e.g. 10.244.1.0/24)"));
      }
    }
    if (!unset && !podCidrs.isEmpty() && !podCidrs.get(0).asText().equals(podCidr.asText())) {
      errors.add(FieldError.invalid("spec.podCIDRs[0]", podCidrs.get(0).asText(), "must match spec.podCIDR"));
    }
  }

  static void service(JsonNode spec, List<FieldError> errors) {
    JsonNode ports = spec.path("ports");
    String type = spec.path("type").asText("");
    boolean headless = "None".equals(spec.path("clusterIP").asText(""));
    if ((!ports.isArray() || ports.isEmpty()) && !headless && !"ExternalName".equals(type)) {
      errors.add(FieldError.required("spec.ports", ""));
    }
    if (!type.isEmpty() && !SERVICE_TYPES.contains(type)) {
      errors.add(FieldError.notSupported("spec.type", type, SERVICE_TYPES));
    }
    String clusterIp = spec.path("clusterIP").asText("");
    if (!clusterIp.isEmpty() && !headless && !Ipv4.isValid(clusterIp)) {
      errors.add(FieldError.invalid("spec.clusterIP", clusterIp, "must be a valid IPv4 address, (e.g. 10.9.8.7)"));
    }
    if ("ExternalName".equals(type)) {
      String externalName = spec.path("externalName").asText("");
      if (externalName.isEmpty()) {
        errors.add(FieldError.required("spec.externalName", ""));
      } else {
        NameRules.dns1123Subdomain(externalName).forEach(p -> errors.add(FieldError.invalid("spec.externalName", externalName, p)));
      }
    }
    Set<String> names = new HashSet<>();
    Set<String> portsAndProtocols = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      String at = "spec.ports[" + i + "]";
      portName(port.path("name"), at + ".name", ports.size() > 1, names, errors);
      String protocol = protocol(port.path("protocol"), at + ".protocol", errors);
      portNumber(port.path("port"), at + ".port", true, errors);
      if (port.path("port").canConvertToInt() && !portsAndProtocols.add(port.path("port").asInt() + "/" + protocol)) {
        errors.add(FieldError.duplicate(at, "{port: %d, protocol: %s}".formatted(port.path("port").asInt(), protocol)));
      }
      numberOrName(port.path("targetPort"), at + ".targetPort", errors);
      JsonNode nodePort = port.path("nodePort");
      if (!nodePort.isMissingNode() && !nodePort.isNull() && !(nodePort.canConvertToInt() && nodePort.asInt() == 0)) {
        portNumber(nodePort, at + ".nodePort", false, errors);
      }
    }
  }

  static void endpoints(JsonNode endpoints, List<FieldError> errors) {
    JsonNode subsets = endpoints.path("subsets");
    for (int s = 0; s < subsets.size(); s++) {
      JsonNode subset = subsets.get(s);
      String at = "subsets[" + s + "]";
      addresses(subset.path("addresses"), at + ".addresses", errors);
      addresses(subset.path("notReadyAddresses"), at + ".notReadyAddresses", errors);
      JsonNode ports = subset.path("ports");
      Set<String> names = new HashSet<>();
      for (int p = 0; p < ports.size(); p++) {
        String portAt = at + ".ports[" + p + "]";
        portName(ports.get(p).path("name"), portAt + ".name", ports.size() > 1, names, errors);
        portNumber(ports.get(p).path("port"), portAt + ".port", true, errors);
        protocol(ports.get(p).path("protocol"), portAt + ".protocol", errors);
      }
    }
  }

  /** The ports of one container: IANA service names, port numbers, protocols, host ports and IPs. */
  static void containerPorts(JsonNode ports, String path, List<FieldError> errors) {
    Set<String> names = new HashSet<>();
    for (int p = 0; p < ports.size(); p++) {
      JsonNode port = ports.get(p);
      String at = path + "[" + p + "]";
      JsonNode name = port.path("name");
      if (!name.isMissingNode() && !name.isNull() && !name.asText().isEmpty()) {
        String text = name.asText();
        NameRules.ianaServiceName(text).forEach(problem -> errors.add(FieldError.invalid(at + ".name", text, problem)));
        if (!names.add(text)) {
          errors.add(FieldError.duplicate(at + ".name", text));
        }
      }
      portNumber(port.path("containerPort"), at + ".containerPort", true, errors);
      JsonNode hostPort = port.path("hostPort");
      if (!(hostPort.canConvertToInt() && hostPort.asInt() == 0)) {
        portNumber(hostPort, at + ".hostPort", false, errors);
      }
      protocol(port.path("protocol"), at + ".protocol", errors);
      String hostIp = port.path("hostIP").asText("");
      if (!hostIp.isEmpty() && !Ipv4.isValid(hostIp)) {
        errors.add(FieldError.invalid(at + ".hostIP", hostIp, "must be a valid IPv4 address, (e.g. 10.9.8.7)"));
      }
    }
  }

  static void portNumber(JsonNode port, String path, boolean required, List<FieldError> errors) {
    if (port.isMissingNode() || port.isNull()) {
      if (required) {
        errors.add(FieldError.required(path, ""));
      }
      return;
    }
    if (!port.isIntegralNumber() || !port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535) {
      errors.add(FieldError.invalid(path, port.asText(), "must be between 1 and 65535, inclusive"));
    }
  }

  private static void addresses(JsonNode addresses, String path, List<FieldError> errors) {
    for (int a = 0; a < addresses.size(); a++) {
      String at = path + "[" + a + "]";
      JsonNode ip = addresses.get(a).path("ip");
      if (ip.isMissingNode() || ip.isNull() || ip.asText().isEmpty()) {
        errors.add(FieldError.required(at + ".ip", ""));
        continue;
      }
      String text = ip.asText();
      Ipv4.special(text).ifPresent(problem -> errors.add(FieldError.invalid(at + ".ip", text, problem)));
      String hostname = addresses.get(a).path("hostname").asText("");
      if (!hostname.isEmpty()) {
        NameRules.dns1123Label(hostname).forEach(problem -> errors.add(FieldError.invalid(at + ".hostname", hostname, problem)));
      }
    }
  }

  /** A service or endpoint port's name: a DNS label, required and unique when there are several ports. */
  private static void portName(JsonNode name, String path, boolean required, Set<String> seen, List<FieldError> errors) {
    String text = name.isTextual() ? name.asText() : "";
    if (!name.isMissingNode() && !name.isNull() && !name.isTextual()) {
      errors.add(FieldError.invalid(path, name.toString(), "must be a string"));
      return;
    }
    if (text.isEmpty()) {
      if (required) {
        errors.add(FieldError.required(path, ""));
      }
      return;
    }
    NameRules.dns1123Label(text).forEach(problem -> errors.add(FieldError.invalid(path, text, problem)));
    if (!seen.add(text)) {
      errors.add(FieldError.duplicate(path, text));
    }
  }

  /** The protocol (TCP when not set); answers it for duplicate checks. */
  private static String protocol(JsonNode protocol, String path, List<FieldError> errors) {
    if (protocol.isMissingNode() || protocol.isNull()) {
      return "TCP";
    }
    String text = protocol.isTextual() ? protocol.asText() : protocol.toString();
    if (!PROTOCOLS.contains(text)) {
      errors.add(FieldError.notSupported(path, text, PROTOCOLS));
    }
    return text;
  }

  /** A target port: a port number, or the name of a container port (an IANA service name). */
  private static void numberOrName(JsonNode port, String path, List<FieldError> errors) {
    if (port.isMissingNode() || port.isNull()) {
      return;
    }
    if (port.isTextual()) {
      // A string is a name, even one of digits only, as in Kubernetes' IntOrString.
      String text = port.asText();
      NameRules.ianaServiceName(text).forEach(problem -> errors.add(FieldError.invalid(path, text, problem)));
      return;
    }
    portNumber(port, path, false, errors);
  }
}
