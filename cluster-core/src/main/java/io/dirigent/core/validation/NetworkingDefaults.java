package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' defaults for {@code networking.k8s.io/v1} ({@code SetDefaults_NetworkPolicy},
 * {@code SetDefaults_NetworkPolicyPort}, {@code SetDefaults_IngressClass}), so a stored policy
 * says which directions it isolates, as on Kubernetes. An Ingress path gets no default
 * {@code pathType} in v1: it is required.
 */
final class NetworkingDefaults {

  private NetworkingDefaults() {}

  /**
   * A policy's ports are TCP unless they say otherwise; its pod selector, a struct in Go, is {@code {}}
   * (every pod) when left out; without {@code policyTypes} it isolates ingress, and egress too when
   * it has egress rules.
   */
  static void networkPolicy(ObjectNode policy) {
    ObjectNode spec = Defaults.child(policy, "spec");
    Defaults.child(spec, "podSelector");
    for (String direction : new String[] {"ingress", "egress"}) {
      for (JsonNode rule : spec.path(direction)) {
        for (JsonNode port : rule.path("ports")) {
          if (port instanceof ObjectNode p) {
            Defaults.putIfAbsent(p, "protocol", "TCP");
          }
        }
      }
    }
    if (spec.path("policyTypes").isEmpty()) {
      ArrayNode types = spec.putArray("policyTypes").add("Ingress");
      if (!spec.path("egress").isEmpty()) {
        types.add("Egress");
      }
    }
  }

  /** A parameters reference without a scope refers to a cluster-scoped object. */
  static void ingressClass(ObjectNode ingressClass) {
    if (ingressClass.path("spec").path("parameters") instanceof ObjectNode parameters) {
      Defaults.putIfAbsent(parameters, "scope", "Cluster");
    }
  }
}
