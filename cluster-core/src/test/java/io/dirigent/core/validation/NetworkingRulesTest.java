package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NetworkPolicies, Ingresses and IngressClasses as Kubernetes' networking validation checks them,
 * many cases after its own {@code validation_test.go}: what a chart renders passes, and each
 * refusal reads as the Kubernetes API server words it.
 */
class NetworkingRulesTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
  private static final String LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start"
      + " and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "deny all ingress is fine | {'podSelector':{},'policyTypes':['Ingress']} | ",
      "allow from pods, namespaces and a block with an exception is fine"
          + " | {'podSelector':{'matchLabels':{'app':'db'}},'ingress':[{'from':[{'podSelector':{'matchLabels':{'role':'web'}}},"
          + "{'namespaceSelector':{'matchLabels':{'team':'a'}},'podSelector':{}},{'ipBlock':{'cidr':'172.17.0.0/16','except':['172.17.1.0/24']}}],"
          + "'ports':[{'protocol':'TCP','port':6379},{'port':'metrics'},{'port':32000,'endPort':32768}]}]} | ",
      "egress to any IPv6 address is fine | {'podSelector':{},'egress':[{'to':[{'ipBlock':{'cidr':'::/0'}}]}],'policyTypes':['Egress']} | ",
      "a peer that names nothing is refused | {'podSelector':{},'ingress':[{'from':[{}]}]} | spec.ingress[0].from[0]: Required value: must specify a peer",
      "an address block beside a selector is refused"
          + " | {'podSelector':{},'egress':[{'to':[{'ipBlock':{'cidr':'10.0.0.0/8'},'podSelector':{}}]}]}"
          + " | spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer",
      "a block without a CIDR is refused | {'podSelector':{},'ingress':[{'from':[{'ipBlock':{}}]}]} | spec.ingress[0].from[0].ipBlock.cidr: Required value",
      "a CIDR that is none is refused"
          + " | {'podSelector':{},'ingress':[{'from':[{'ipBlock':{'cidr':'192.168.1.1/33'}}]}]}"
          + " | spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"192.168.1.1/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
      "an exception outside the block is refused"
          + " | {'podSelector':{},'ingress':[{'from':[{'ipBlock':{'cidr':'192.168.8.0/24','except':['192.168.9.1/24']}}]}]}"
          + " | spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"192.168.9.1/24\": must be a strict subset of `cidr`",
      "an exception as large as the block is refused"
          + " | {'podSelector':{},'ingress':[{'from':[{'ipBlock':{'cidr':'192.168.8.0/24','except':['192.168.8.0/24']}}]}]}"
          + " | spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"192.168.8.0/24\": must be a strict subset of `cidr`",
      "an unknown protocol is refused"
          + " | {'podSelector':{},'ingress':[{'ports':[{'protocol':'ICMP','port':80}]}]}"
          + " | spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
      "a port out of range is refused | {'podSelector':{},'ingress':[{'ports':[{'port':70000}]}]} | spec.ingress[0].ports[0].port: Invalid value: \"70000\": must be between 1 and 65535, inclusive",
      "a port range ending below its start is refused"
          + " | {'podSelector':{},'egress':[{'ports':[{'port':8080,'endPort':80}]}]}"
          + " | spec.egress[0].ports[0].endPort: Invalid value: \"80\": must be greater than or equal to `port`",
      "a range from a named port is refused"
          + " | {'podSelector':{},'egress':[{'ports':[{'port':'http','endPort':90}]}]}"
          + " | spec.egress[0].ports[0].endPort: Invalid value: \"90\": may not be specified when `port` is non-numeric",
      "a range without a start is refused"
          + " | {'podSelector':{},'egress':[{'ports':[{'endPort':90}]}]}"
          + " | spec.egress[0].ports[0].endPort: Invalid value: \"90\": may not be specified when `port` is not specified",
      "an unknown policy type is refused | {'podSelector':{},'policyTypes':['Sideways']} | spec.policyTypes[0]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\"",
      "three policy types are refused"
          + " | {'podSelector':{},'policyTypes':['Ingress','Egress','Ingress']}"
          + " | spec.policyTypes: Invalid value: \"[\\\"Ingress\\\",\\\"Egress\\\",\\\"Ingress\\\"]\": may not specify more than two policyTypes",
  })
  void networkPolicies(String behaviour, String spec, String expected) throws Exception {
    assertThat(errors("networkpolicies.networking.k8s.io", "{'spec':" + spec + "}")).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a host with two paths and TLS is fine"
          + " | {'ingressClassName':'nginx','tls':[{'hosts':['app.example.com'],'secretName':'app-tls'}],'rules':[{'host':'app.example.com','http':{'paths':["
          + "{'path':'/','pathType':'Prefix','backend':{'service':{'name':'web','port':{'number':80}}}},"
          + "{'path':'/api','pathType':'Exact','backend':{'service':{'name':'api','port':{'name':'http'}}}}]}}]} | ",
      "a default backend alone is fine | {'defaultBackend':{'service':{'name':'web','port':{'number':8080}}}} | ",
      "a wildcard host is fine | {'rules':[{'host':'*.example.com','http':{'paths':[{'pathType':'ImplementationSpecific','backend':{'service':{'name':'web','port':{'number':80}}}}]}}]} | ",
      "a resource backend is fine | {'defaultBackend':{'resource':{'apiGroup':'k8s.example.com','kind':'StorageBucket','name':'static'}}} | ",
      "neither rules nor a default backend is refused | {} | spec: Invalid value: null: either `defaultBackend` or `rules` must be specified",
      "a path without a type is refused"
          + " | {'rules':[{'http':{'paths':[{'path':'/','backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}"
          + " | spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
      "an unknown path type is refused"
          + " | {'rules':[{'http':{'paths':[{'path':'/','pathType':'Regex','backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}"
          + " | spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"",
      "a relative prefix is refused"
          + " | {'rules':[{'http':{'paths':[{'path':'foo','pathType':'Prefix','backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}"
          + " | spec.rules[0].http.paths[0].path: Invalid value: \"foo\": must be an absolute path",
      "a prefix that climbs is refused"
          + " | {'rules':[{'http':{'paths':[{'path':'/a/../b','pathType':'Prefix','backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}"
          + " | spec.rules[0].http.paths[0].path: Invalid value: \"/a/../b\": must not contain '/../'",
      "an exact path ending in a dot segment is refused"
          + " | {'rules':[{'http':{'paths':[{'path':'/a/.','pathType':'Exact','backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}"
          + " | spec.rules[0].http.paths[0].path: Invalid value: \"/a/.\": cannot end with '/.'",
      "an HTTP rule without paths is refused | {'rules':[{'host':'a.example.com','http':{}}]} | spec.rules[0].http.paths: Required value",
      "an IP address as host is refused"
          + " | {'rules':[{'host':'10.0.0.1'}]}"
          + " | spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address",
      "a wildcard in the middle of a host is refused"
          + " | {'rules':[{'host':'foo.*.bar.com'}]}"
          + " | spec.rules[0].host: Invalid value: \"foo.*.bar.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain,"
          + " which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com',"
          + " regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      "a backend naming both a service and a resource is refused"
          + " | {'defaultBackend':{'service':{'name':'web','port':{'number':80}},'resource':{'kind':'K','name':'n'}}}"
          + " | spec.defaultBackend: Invalid value: \"\": cannot set both resource and service backends",
      "a backend naming nothing is refused | {'defaultBackend':{}} | spec.defaultBackend: Invalid value: \"\": resource or service backend is required",
      "a service backend without a port is refused | {'defaultBackend':{'service':{'name':'web'}}} | spec.defaultBackend: Required value: port name or number is required",
      "a service backend with a port name and number is refused"
          + " | {'defaultBackend':{'service':{'name':'web','port':{'name':'http','number':80}}}}"
          + " | spec.defaultBackend: Invalid value: \"\": cannot set both port name & port number",
      "a service backend with a bad name is refused"
          + " | {'defaultBackend':{'service':{'name':'Web','port':{'number':80}}}}"
          + " | spec.defaultBackend.service.name: Invalid value: \"Web\": " + LABEL_MESSAGE,
  })
  void ingresses(String behaviour, String spec, String expected) throws Exception {
    assertThat(errors("ingresses.networking.k8s.io", "{'spec':" + spec + "}")).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a class name the annotation agrees with is fine | nginx | nginx | ",
      "a class name the annotation contradicts is refused"
          + " | nginx | traefik | annotations.kubernetes.io/ingress.class: Invalid value: \"traefik\": must match `ingressClassName` when both are specified",
  })
  void theLegacyClassAnnotationMustAgree(String behaviour, String className, String annotation, String expected) throws Exception {
    String ingress = "{'metadata':{'annotations':{'kubernetes.io/ingress.class':'" + annotation + "'}},"
        + "'spec':{'ingressClassName':'" + className + "','defaultBackend':{'service':{'name':'web','port':{'number':80}}}}}";
    assertThat(errors("ingresses.networking.k8s.io", ingress)).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ingress-nginx's class is fine | {'controller':'k8s.io/ingress-nginx'} | ",
      "a class with namespaced parameters is fine | {'controller':'example.com/ingress','parameters':{'apiGroup':'k8s.example.com','kind':'IngressParameters','name':'p','scope':'Namespace','namespace':'ops'}} | ",
      "a class without a controller is refused | {} | spec.controller: Required value",
      "a controller that is not domain-prefixed is refused | {'controller':'nginx'} | spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\")",
      "namespaced parameters without a namespace are refused"
          + " | {'controller':'example.com/ingress','parameters':{'kind':'K','name':'p','scope':'Namespace'}}"
          + " | spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
      "cluster parameters with a namespace are refused"
          + " | {'controller':'example.com/ingress','parameters':{'kind':'K','name':'p','scope':'Cluster','namespace':'ops'}}"
          + " | spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
      "parameters without a kind are refused | {'controller':'example.com/ingress','parameters':{'name':'p','scope':'Cluster'}} | spec.parameters.kind: Required value",
  })
  void ingressClasses(String behaviour, String spec, String expected) throws Exception {
    assertThat(errors("ingressclasses.networking.k8s.io", "{'spec':" + spec + "}")).isEqualTo(expected == null ? "" : expected);
  }

  private static String errors(String resource, String json) throws Exception {
    ObjectNode object = (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
    return String.join("; ", SpecRules.validate(REGISTRY.byResource(resource).orElseThrow(), object).stream().map(FieldError::message).toList());
  }
}
