package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.selector.LabelSelector;
import java.util.List;

/**
 * NetworkPolicies ({@code networking.k8s.io/v1}) as Kubernetes' {@code ValidateNetworkPolicy}
 * checks them. Dirigent's pod network does not enforce policies yet, so these rules are the API's
 * contract only: a policy Kubernetes accepts is stored, one it refuses is refused with its words.
 */
final class NetworkPolicyRules {

  static final List<String> POLICY_TYPES = List.of("Ingress", "Egress");
  private static final List<String> PORT_PROTOCOLS = List.of("TCP", "UDP", "SCTP");

  private NetworkPolicyRules() {}

  /** {@code ValidateNetworkPolicySpec}: the pod selector, each rule's ports and peers, the policy types. */
  static void networkPolicy(JsonNode spec, List<FieldError> errors) {
    selector(spec.path("podSelector"), "spec.podSelector", errors);
    for (String direction : List.of("ingress", "egress")) {
      String peers = direction.equals("ingress") ? "from" : "to";
      JsonNode rules = spec.path(direction);
      for (int r = 0; r < rules.size(); r++) {
        String at = "spec." + direction + "[" + r + "]";
        JsonNode ports = rules.get(r).path("ports");
        for (int p = 0; p < ports.size(); p++) {
          policyPort(ports.get(p), at + ".ports[" + p + "]", errors);
        }
        JsonNode list = rules.get(r).path(peers);
        for (int p = 0; p < list.size(); p++) {
          peer(list.get(p), at + "." + peers + "[" + p + "]", errors);
        }
      }
    }
    JsonNode types = spec.path("policyTypes");
    if (types.size() > POLICY_TYPES.size()) {
      errors.add(FieldError.invalid("spec.policyTypes", types.toString(), "may not specify more than two policyTypes"));
      return;
    }
    for (int i = 0; i < types.size(); i++) {
      if (!POLICY_TYPES.contains(types.get(i).asText())) {
        errors.add(FieldError.notSupported("spec.policyTypes[" + i + "]", types.get(i).asText(), POLICY_TYPES));
      }
    }
  }

  /** A port a rule allows: a number (with an optional {@code endPort} for a range) or a named container port. */
  private static void policyPort(JsonNode port, String at, List<FieldError> errors) {
    JsonNode protocol = port.path("protocol");
    if (present(protocol) && !PORT_PROTOCOLS.contains(protocol.asText())) {
      errors.add(FieldError.notSupported(at + ".protocol", protocol.asText(), PORT_PROTOCOLS));
    }
    JsonNode number = port.path("port");
    JsonNode endPort = port.path("endPort");
    if (!present(number)) {
      if (present(endPort)) {
        errors.add(FieldError.invalid(at + ".endPort", endPort.asText(), "may not be specified when `port` is not specified"));
      }
      return;
    }
    if (number.isTextual()) {
      if (present(endPort)) {
        errors.add(FieldError.invalid(at + ".endPort", endPort.asText(), "may not be specified when `port` is non-numeric"));
      }
      NameRules.ianaServiceName(number.asText()).forEach(problem -> errors.add(FieldError.invalid(at + ".port", number.asText(), problem)));
      return;
    }
    NetworkRules.portNumber(number, at + ".port", false, errors);
    if (present(endPort)) {
      if (endPort.asLong() < number.asLong()) {
        errors.add(FieldError.invalid(at + ".endPort", endPort.asText(), "must be greater than or equal to `port`"));
      }
      NetworkRules.portNumber(endPort, at + ".endPort", false, errors);
    }
  }

  /** A peer: pods, namespaces, or an address block — and a block only on its own. */
  private static void peer(JsonNode peer, String at, List<FieldError> errors) {
    int kinds = 0;
    for (String selector : List.of("podSelector", "namespaceSelector")) {
      if (peer.path(selector).isObject()) {
        kinds++;
        selector(peer.path(selector), at + "." + selector, errors);
      }
    }
    JsonNode block = peer.path("ipBlock");
    if (block.isObject()) {
      kinds++;
      ipBlock(block, at + ".ipBlock", errors);
    }
    if (kinds == 0) {
      errors.add(FieldError.required(at, "must specify a peer"));
    } else if (kinds > 1 && block.isObject()) {
      errors.add(FieldError.forbidden(at, "may not specify both ipBlock and another peer"));
    }
  }

  private static void ipBlock(JsonNode block, String at, List<FieldError> errors) {
    String cidr = block.path("cidr").asText("");
    if (cidr.isEmpty()) {
      errors.add(FieldError.required(at + ".cidr", ""));
      return;
    }
    var parsed = IpBlock.parse(cidr);
    if (parsed.isEmpty()) {
      errors.add(FieldError.invalid(at + ".cidr", cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
      return;
    }
    JsonNode except = block.path("except");
    for (int i = 0; i < except.size(); i++) {
      String text = except.get(i).asText("");
      var inner = IpBlock.parse(text);
      if (inner.isEmpty()) {
        errors.add(FieldError.invalid(at + ".except[" + i + "]", text, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
      } else if (!parsed.get().strictlyContains(inner.get())) {
        errors.add(FieldError.invalid(at + ".except[" + i + "]", text, "must be a strict subset of `cidr`"));
      }
    }
  }

  /** A LabelSelector whose operators, keys and values Kubernetes accepts. */
  private static void selector(JsonNode selector, String at, List<FieldError> errors) {
    if (!selector.isObject()) {
      return;
    }
    try {
      LabelSelector.of(KubeJson.toTyped(selector, io.fabric8.kubernetes.api.model.LabelSelector.class));
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.invalid(at, selector.toString(), e.getMessage()));
    }
  }

  private static boolean present(JsonNode value) {
    return !value.isMissingNode() && !value.isNull();
  }
}
