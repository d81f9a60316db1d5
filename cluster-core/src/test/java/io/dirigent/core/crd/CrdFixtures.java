package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** CRDs for the tests: a valid, defaulted CronTab CRD to change one thing in. */
final class CrdFixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CrdFixtures() {}

  /** Parses JSON written with single quotes, for readable text blocks. */
  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** Kubernetes' documentation example, one version with a schema, scale and a column. */
  static ObjectNode cronTab() {
    return json("""
        {'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition',
         'metadata':{'name':'crontabs.stable.example.com'},
         'spec':{'group':'stable.example.com','scope':'Namespaced',
           'names':{'plural':'crontabs','singular':'crontab','kind':'CronTab','listKind':'CronTabList',
                    'shortNames':['ct']},
           'versions':[{'name':'v1','served':true,'storage':true,
              'schema':{'openAPIV3Schema':{'type':'object'}},
              'subresources':{'status':{},'scale':{'specReplicasPath':'.spec.replicas',
                  'statusReplicasPath':'.status.replicas','labelSelectorPath':'.status.selector'}},
              'additionalPrinterColumns':[{'name':'Replicas','type':'integer','jsonPath':'.spec.replicas'}]}],
           'conversion':{'strategy':'None'}}}
        """);
  }

  /** The first version of {@code crd}'s spec, to change in place. */
  static ObjectNode version(ObjectNode crd, int index) {
    return (ObjectNode) crd.path("spec").path("versions").get(index);
  }

  /** A second version, v2, served and not stored, otherwise a copy of the first. */
  static ObjectNode addVersion(ObjectNode crd) {
    ObjectNode copy = version(crd, 0).deepCopy().put("name", "v2").put("storage", false);
    ((com.fasterxml.jackson.databind.node.ArrayNode) crd.path("spec").path("versions")).add(copy);
    return copy;
  }
}
