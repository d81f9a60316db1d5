package io.dirigent.node.proxy;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The full desired set of proxy rules, from every Service and its Endpoints — kube-proxy's
 * "sync from the full desired state". A service port's endpoints are the ready addresses of the
 * Endpoints subsets whose port has the service port's name (or, for an unnamed single port, the
 * only port). A Service or endpoint that cannot be served (unreadable, or with values that are not
 * a protocol, an address or a port) is skipped and reported; the others are served.
 */
public final class ServiceRules {

  private ServiceRules() {}

  public static List<ServiceRule> of(Collection<Service> services, Collection<Endpoints> endpoints) {
    return of(services, endpoints, problem -> { });
  }

  /** The rules; {@code skipped} hears of each service port or endpoint left out, and why. */
  public static List<ServiceRule> of(Collection<Service> services, Collection<Endpoints> endpoints, Consumer<String> skipped) {
    Map<String, Endpoints> byService = endpoints.stream().collect(Collectors.toMap(
        e -> e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), Function.identity(), (a, b) -> b));
    List<ServiceRule> rules = new ArrayList<>();
    for (Service service : services) {
      if (service.getSpec() == null || service.getSpec().getPorts() == null || "ExternalName".equals(service.getSpec().getType())) {
        continue;
      }
      String key = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
      String clusterIp = service.getSpec().getClusterIP();
      if (clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None")) {
        clusterIp = null;
      }
      Endpoints known = byService.get(key);
      for (ServicePort port : service.getSpec().getPorts()) {
        if (port.getPort() == null) {
          continue;
        }
        String portName = port.getName() == null ? "" : port.getName();
        int nodePort = port.getNodePort() == null ? 0 : port.getNodePort();
        if (clusterIp == null && nodePort == 0) {
          continue;
        }
        String name = key + ":" + (portName.isEmpty() ? port.getPort().toString() : portName);
        try {
          rules.add(new ServiceRule(name, clusterIp, port.getPort(), port.getProtocol(), nodePort,
              endpoints(known, portName, service.getSpec().getPorts().size() == 1, name, skipped)));
        } catch (IllegalArgumentException e) {
          skipped.accept("service port " + name + " skipped: " + e.getMessage());
        }
      }
    }
    rules.sort(Comparator.comparing(ServiceRule::name));
    return rules;
  }

  private static List<ServiceRule.Endpoint> endpoints(Endpoints endpoints, String portName, boolean onlyPort, String rule,
      Consumer<String> skipped) {
    List<ServiceRule.Endpoint> found = new ArrayList<>();
    if (endpoints == null || endpoints.getSubsets() == null) {
      return found;
    }
    for (EndpointSubset subset : endpoints.getSubsets()) {
      for (EndpointPort port : subset.getPorts() == null ? List.<EndpointPort>of() : subset.getPorts()) {
        String name = port.getName() == null ? "" : port.getName();
        if (!name.equals(portName) && !(onlyPort && subset.getPorts().size() == 1)) {
          continue;
        }
        for (EndpointAddress address : subset.getAddresses() == null ? List.<EndpointAddress>of() : subset.getAddresses()) {
          try {
            found.add(new ServiceRule.Endpoint(address.getIp(), port.getPort() == null ? 0 : port.getPort()));
          } catch (IllegalArgumentException e) {
            skipped.accept("an endpoint of " + rule + " skipped: " + e.getMessage());
          }
        }
      }
    }
    found.sort(Comparator.comparing(ServiceRule.Endpoint::ip).thenComparingInt(ServiceRule.Endpoint::port));
    return found;
  }
}
