package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Ingresses and IngressClasses ({@code networking.k8s.io/v1}) as Kubernetes'
 * {@code pkg/apis/networking/validation} checks them (NetworkPolicies: {@link NetworkPolicyRules}).
 * No ingress controller reads them yet, so their rules are the API's contract only: a manifest
 * Kubernetes accepts is accepted, one it refuses is refused with its words.
 */
final class IngressRules {

  static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");
  private static final List<String> PARAMETER_SCOPES = List.of("Cluster", "Namespace");
  private static final List<String> INVALID_PATH_SEQUENCES = List.of("//", "/./", "/../", "%2f", "%2F");
  private static final List<String> INVALID_PATH_SUFFIXES = List.of("/..", "/.");
  private static final int MAX_CONTROLLER_LENGTH = 250;
  static final String INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  private IngressRules() {}

  // ---- Ingress ----

  /**
   * {@code ValidateIngressCreate}: a default backend or rules; hosts that are DNS names (a
   * {@code *.} wildcard allowed), not IP addresses; each HTTP path with a path type and a path
   * that fits it; each backend a Service (by name, and port name or number) or a resource, not both;
   * TLS hosts and secret names; a class name that agrees with the legacy class annotation.
   */
  static void ingress(JsonNode object, List<FieldError> errors) {
    JsonNode spec = object.path("spec");
    JsonNode rules = spec.path("rules");
    JsonNode defaultBackend = spec.path("defaultBackend");
    if (rules.isEmpty() && !defaultBackend.isObject()) {
      errors.add(FieldError.invalid("spec", null, "either `defaultBackend` or `rules` must be specified"));
    }
    if (defaultBackend.isObject()) {
      backend(defaultBackend, "spec.defaultBackend", errors);
    }
    for (int i = 0; i < rules.size(); i++) {
      String at = "spec.rules[" + i + "]";
      String host = rules.get(i).path("host").asText("");
      if (!host.isEmpty()) {
        host(host, at + ".host", errors);
      }
      JsonNode http = rules.get(i).path("http");
      if (http.isObject()) {
        JsonNode paths = http.path("paths");
        if (paths.isEmpty()) {
          errors.add(FieldError.required(at + ".http.paths", ""));
        }
        for (int p = 0; p < paths.size(); p++) {
          httpPath(paths.get(p), at + ".http.paths[" + p + "]", errors);
        }
      }
    }
    JsonNode tls = spec.path("tls");
    for (int t = 0; t < tls.size(); t++) {
      String at = "spec.tls[" + t + "]";
      JsonNode hosts = tls.get(t).path("hosts");
      for (int h = 0; h < hosts.size(); h++) {
        String host = hosts.get(h).asText("");
        List<String> problems = host.contains("*") ? NameRules.wildcardDns1123Subdomain(host) : NameRules.dns1123Subdomain(host);
        String hostAt = at + ".hosts[" + h + "]";
        problems.forEach(problem -> errors.add(FieldError.invalid(hostAt, host, problem)));
      }
      String secretName = tls.get(t).path("secretName").asText("");
      if (!secretName.isEmpty()) {
        NameRules.dns1123Subdomain(secretName).forEach(problem -> errors.add(FieldError.invalid(at + ".secretName", secretName, problem)));
      }
    }
    JsonNode className = spec.path("ingressClassName");
    if (className.isTextual()) {
      NameRules.dns1123Subdomain(className.asText())
          .forEach(problem -> errors.add(FieldError.invalid("spec.ingressClassName", className.asText(), problem)));
      JsonNode annotation = object.path("metadata").path("annotations").path(INGRESS_CLASS_ANNOTATION);
      if (annotation.isTextual() && !annotation.asText().equals(className.asText())) {
        errors.add(FieldError.invalid("annotations." + INGRESS_CLASS_ANNOTATION, annotation.asText(),
            "must match `ingressClassName` when both are specified"));
      }
    }
  }

  private static void host(String host, String at, List<FieldError> errors) {
    if (IpBlock.parse(host + (host.contains(":") ? "/128" : "/32")).isPresent()) {
      errors.add(FieldError.invalid(at, host, "must be a DNS name, not an IP address"));
    }
    List<String> problems = host.contains("*") ? NameRules.wildcardDns1123Subdomain(host) : NameRules.dns1123Subdomain(host);
    problems.forEach(problem -> errors.add(FieldError.invalid(at, host, problem)));
  }

  /** {@code validateHTTPIngressPath}: Exact and Prefix paths are clean absolute paths; any path is absolute. */
  private static void httpPath(JsonNode path, String at, List<FieldError> errors) {
    JsonNode pathType = path.path("pathType");
    if (!present(pathType)) {
      errors.add(FieldError.required(at + ".pathType", "pathType must be specified"));
      return;
    }
    String text = path.path("path").asText("");
    switch (pathType.asText()) {
      case "Exact", "Prefix" -> {
        if (!text.startsWith("/")) {
          errors.add(FieldError.invalid(at + ".path", text, "must be an absolute path"));
        }
        for (String sequence : INVALID_PATH_SEQUENCES) {
          if (text.contains(sequence)) {
            errors.add(FieldError.invalid(at + ".path", text, "must not contain '" + sequence + "'"));
          }
        }
        for (String suffix : INVALID_PATH_SUFFIXES) {
          if (text.endsWith(suffix)) {
            errors.add(FieldError.invalid(at + ".path", text, "cannot end with '" + suffix + "'"));
          }
        }
      }
      case "ImplementationSpecific" -> {
        if (!text.isEmpty() && !text.startsWith("/")) {
          errors.add(FieldError.invalid(at + ".path", text, "must be an absolute path"));
        }
      }
      default -> errors.add(FieldError.notSupported(at + ".pathType", pathType.asText(), PATH_TYPES));
    }
    backend(path.path("backend"), at + ".backend", errors);
  }

  /** {@code validateIngressBackend}: a Service by name and port, or a typed resource reference. */
  private static void backend(JsonNode backend, String at, List<FieldError> errors) {
    boolean resource = backend.path("resource").isObject();
    boolean service = backend.path("service").isObject();
    if (resource && service) {
      errors.add(FieldError.invalid(at, "", "cannot set both resource and service backends"));
    } else if (resource) {
      JsonNode reference = backend.path("resource");
      JsonNode apiGroup = reference.path("apiGroup");
      if (apiGroup.isTextual()) {
        NameRules.dns1123Subdomain(apiGroup.asText()).forEach(problem -> errors.add(FieldError.invalid(at + ".resource.apiGroup", apiGroup.asText(), problem)));
      }
      ObjectReferences.pathSegment(reference, "kind", at + ".resource", errors);
      ObjectReferences.pathSegment(reference, "name", at + ".resource", errors);
    } else if (service) {
      JsonNode target = backend.path("service");
      String name = target.path("name").asText("");
      if (name.isEmpty()) {
        errors.add(FieldError.required(at + ".service.name", ""));
      } else {
        // Dirigent names Services by DNS-1123 label, as Kubernetes does with RelaxedServiceNameValidation, so a backend may name any of them.
        NameRules.dns1123Label(name).forEach(problem -> errors.add(FieldError.invalid(at + ".service.name", name, problem)));
      }
      String portName = target.path("port").path("name").asText("");
      JsonNode portNumber = target.path("port").path("number");
      boolean hasNumber = present(portNumber) && !(portNumber.canConvertToInt() && portNumber.asInt() == 0);
      if (!portName.isEmpty() && hasNumber) {
        errors.add(FieldError.invalid(at, "", "cannot set both port name & port number"));
      } else if (!portName.isEmpty()) {
        NameRules.ianaServiceName(portName).forEach(problem -> errors.add(FieldError.invalid(at + ".service.port.name", portName, problem)));
      } else if (hasNumber) {
        NetworkRules.portNumber(portNumber, at + ".service.port.number", true, errors);
      } else {
        errors.add(FieldError.required(at, "port name or number is required"));
      }
    } else {
      errors.add(FieldError.invalid(at, "", "resource or service backend is required"));
    }
  }

  // ---- IngressClass ----

  /** {@code validateIngressClassSpec}: a domain-prefixed controller name, and a parameters reference that says its scope. */
  static void ingressClass(JsonNode spec, List<FieldError> errors) {
    String controller = spec.path("controller").asText("");
    if (controller.isEmpty()) {
      errors.add(FieldError.required("spec.controller", ""));
    } else {
      if (NameRules.byteLength(controller) > MAX_CONTROLLER_LENGTH) {
        errors.add(FieldError.tooLong("spec.controller", MAX_CONTROLLER_LENGTH));
      }
      domainPrefixedPath(controller, "spec.controller", errors);
    }
    JsonNode parameters = spec.path("parameters");
    if (!parameters.isObject()) {
      return;
    }
    String at = "spec.parameters";
    JsonNode apiGroup = parameters.path("apiGroup");
    if (apiGroup.isTextual()) {
      NameRules.dns1123Subdomain(apiGroup.asText()).forEach(problem -> errors.add(FieldError.invalid(at + ".apiGroup", apiGroup.asText(), problem)));
    }
    ObjectReferences.pathSegment(parameters, "kind", at, errors);
    ObjectReferences.pathSegment(parameters, "name", at, errors);
    JsonNode scope = parameters.path("scope");
    if (!present(scope)) {
      errors.add(FieldError.required(at + ".scope", ""));
      return;
    }
    JsonNode namespace = parameters.path("namespace");
    switch (scope.asText()) {
      case "Namespace" -> {
        if (!present(namespace)) {
          errors.add(FieldError.required(at + ".namespace", "`parameters.scope` is set to 'Namespace'"));
        } else {
          NameRules.dns1123Label(namespace.asText()).forEach(problem -> errors.add(FieldError.invalid(at + ".namespace", namespace.asText(), problem)));
        }
      }
      case "Cluster" -> {
        if (present(namespace)) {
          errors.add(FieldError.forbidden(at + ".namespace", "`parameters.scope` is set to 'Cluster'"));
        }
      }
      default -> errors.add(FieldError.notSupported(at + ".scope", scope.asText(), PARAMETER_SCOPES));
    }
  }

  /** apimachinery's {@code IsDomainPrefixedPath}: {@code example.com/path}, the domain a DNS-1123 subdomain. */
  private static void domainPrefixedPath(String value, String at, List<FieldError> errors) {
    int slash = value.indexOf('/');
    if (slash <= 0 || slash == value.length() - 1) {
      errors.add(FieldError.invalid(at, value, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
      return;
    }
    String host = value.substring(0, slash);
    NameRules.dns1123Subdomain(host).forEach(problem -> errors.add(FieldError.invalid(at, host, problem)));
    String path = value.substring(slash + 1);
    if (!path.matches("[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+")) {
      errors.add(FieldError.invalid(at, path, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));
    }
  }

  private static boolean present(JsonNode value) {
    return !value.isMissingNode() && !value.isNull();
  }
}
