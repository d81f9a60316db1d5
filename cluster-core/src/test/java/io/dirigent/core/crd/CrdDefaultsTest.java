package io.dirigent.core.crd;

import static io.dirigent.core.crd.CrdFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrdDefaultsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      the singular is the lower-case kind and the list kind the kind plus List | {'names':{'kind':'CronTab'}} | {'names':{'kind':'CronTab','singular':'crontab','listKind':'CronTabList'},'conversion':{'strategy':'None'}}
      names given are kept | {'names':{'kind':'CronTab','singular':'tab','listKind':'Tabs'}} | {'names':{'kind':'CronTab','singular':'tab','listKind':'Tabs'},'conversion':{'strategy':'None'}}
      without a kind there is no list kind, and the singular is empty as in Kubernetes | {'names':{}} | {'names':{'singular':''},'conversion':{'strategy':'None'}}
      a conversion given is kept | {'names':{'kind':'A'},'conversion':{'strategy':'Webhook'}} | {'names':{'kind':'A','singular':'a','listKind':'AList'},'conversion':{'strategy':'Webhook'}}
      a webhook service listens on 443 unless told | {'names':{'kind':'A'},'conversion':{'strategy':'Webhook','webhook':{'clientConfig':{'service':{'name':'conv','namespace':'x'}}}}} | {'names':{'kind':'A','singular':'a','listKind':'AList'},'conversion':{'strategy':'Webhook','webhook':{'clientConfig':{'service':{'name':'conv','namespace':'x','port':443}}}}}
      versions and their columns are left as they are | {'names':{'kind':'A'},'versions':[{'name':'v1','served':true,'storage':false}]} | {'names':{'kind':'A','singular':'a','listKind':'AList'},'versions':[{'name':'v1','served':true,'storage':false}],'conversion':{'strategy':'None'}}
      """)
  void defaultsTheSpecAsKubernetesV1(String sentence, String spec, String defaulted) {
    ObjectNode crd = json("{}");
    crd.set("spec", json(spec));
    CrdDefaults.apply(crd);
    assertThat(crd.path("spec")).isEqualTo(json(defaulted));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      the storage version is the first stored version | {} | ['v1']
      stored versions already there are kept | {'storedVersions':['v1beta1']} | ['v1beta1']
      """)
  void recordsTheStorageVersionAsStored(String sentence, String status, String stored) {
    ObjectNode crd = json("""
        {'spec':{'names':{'kind':'A'},'versions':[{'name':'v1beta1','storage':false},{'name':'v1','storage':true}]}}""");
    crd.set("status", json(status));
    CrdDefaults.apply(crd);
    assertThat(crd.path("status").path("storedVersions")).isEqualTo(json("{'s':" + stored + "}").path("s"));
  }
}
