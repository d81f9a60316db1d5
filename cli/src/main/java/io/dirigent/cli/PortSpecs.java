package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.PortForwardCommand.Mapping;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;

/**
 * The ports of {@code port-forward}, as kubectl reads them: {@code 8080} (the same port locally),
 * {@code 8080:80}, {@code :80} (any free local port). The remote port is a number or the name of a
 * container port; through a service it is one of the service's ports, forwarded to its target port.
 */
final class PortSpecs {

  private PortSpecs() {}

  /**
   * @param pod the pod forwarded to
   * @param service the service the pod was found through, or null
   */
  static Mapping parse(String spec, JsonNode pod, JsonNode service) {
    String[] parts = spec.split(":", -1);
    if (parts.length > 2 || parts[parts.length - 1].isEmpty()) {
      throw new CliException("invalid port \"" + spec + "\": use PORT, LOCAL:REMOTE or :REMOTE");
    }
    String remoteText = parts[parts.length - 1];
    int remote = service == null ? podPort(remoteText, pod) : servicePort(remoteText, service, pod);
    int local;
    if (parts.length == 1) {
      local = isNumber(remoteText) ? number(remoteText, spec) : remote;
    } else {
      local = parts[0].isEmpty() ? 0 : number(parts[0], spec);
    }
    return new Mapping(local, remote);
  }

  /** A port of the pod: a number, or the name of one of its containers' ports. */
  private static int podPort(String port, JsonNode pod) {
    if (isNumber(port)) {
      int number = number(port, port);
      if (number == 0) {
        throw new CliException("invalid port \"" + port + "\": the pod's port cannot be 0");
      }
      return number;
    }
    for (JsonNode container : pod.path("spec").path("containers")) {
      for (JsonNode containerPort : container.path("ports")) {
        if (containerPort.path("name").asText().equals(port)) {
          return containerPort.path("containerPort").asInt();
        }
      }
    }
    throw new CliException("Pod '" + KubeJson.name(pod) + "' does not have a named port '" + port + "'");
  }

  /** The target port, in the pod, of the service port named or numbered {@code port}. */
  private static int servicePort(String port, JsonNode service, JsonNode pod) {
    for (JsonNode servicePort : service.path("spec").path("ports")) {
      if (servicePort.path("name").asText().equals(port) || servicePort.path("port").asText().equals(port)) {
        JsonNode target = servicePort.path("targetPort");
        if (target.isMissingNode() || target.isNull()) {
          return servicePort.path("port").asInt();
        }
        return target.isNumber() ? target.asInt() : podPort(target.asText(), pod);
      }
    }
    throw new CliException("Service " + KubeJson.name(service) + " does not have a service port " + port);
  }

  private static boolean isNumber(String text) {
    return text.matches("\\d{1,5}");
  }

  private static int number(String text, String spec) {
    if (!isNumber(text) || Integer.parseInt(text) > 65535) {
      throw new CliException("invalid port \"" + spec + "\": a port is a number from 0 to 65535");
    }
    return Integer.parseInt(text);
  }
}
