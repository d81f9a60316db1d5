package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefaultsTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();

  private static ObjectNode defaulted(String resource, String json) throws Exception {
    ObjectNode object = (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
    Defaults.apply(REGISTRY.byResource(resource).orElseThrow(), object);
    return object;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a deployment rolls 25%/25% by default | deployments.apps | {'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x:1'}]}}}} | /spec/strategy | {\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}",
      "a recreate deployment gets no rolling parameters | deployments.apps | {'spec':{'strategy':{'type':'Recreate'}}} | /spec/strategy | {\"type\":\"Recreate\"}",
      "a deployment keeps one replica and ten revisions | deployments.apps | {'spec':{}} | /spec/revisionHistoryLimit | 10",
      "a replicas of zero stays zero | deployments.apps | {'spec':{'replicas':0}} | /spec/replicas | 0",
      "an image tagged latest is always pulled | pods | {'spec':{'containers':[{'name':'a','image':'web:latest'}]}} | /spec/containers/0/imagePullPolicy | \"Always\"",
      "an image without a tag is always pulled | pods | {'spec':{'containers':[{'name':'a','image':'registry:5000/web'}]}} | /spec/containers/0/imagePullPolicy | \"Always\"",
      "a tagged image is pulled if not present | pods | {'spec':{'containers':[{'name':'a','image':'registry:5000/web:1'}]}} | /spec/containers/0/imagePullPolicy | \"IfNotPresent\"",
      "a pod restarts always and gets 30 s to stop | pods | {'spec':{'containers':[]}} | /spec/terminationGracePeriodSeconds | 30",
      "a container port is TCP | pods | {'spec':{'containers':[{'name':'a','image':'x:1','ports':[{'containerPort':80}]}]}} | /spec/containers/0/ports/0/protocol | \"TCP\"",
      "a probe checks every 10 s | pods | {'spec':{'containers':[{'name':'a','image':'x:1','readinessProbe':{'httpGet':{'port':80}}}]}} | /spec/containers/0/readinessProbe | {\"httpGet\":{\"port\":80,\"scheme\":\"HTTP\",\"path\":\"/\"},\"timeoutSeconds\":1,\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3}",
      "a service port targets itself over TCP | services | {'spec':{'ports':[{'port':80}]}} | /spec/ports/0 | {\"port\":80,\"protocol\":\"TCP\",\"targetPort\":80}",
      "a service is a ClusterIP | services | {'spec':{}} | /spec/type | \"ClusterIP\"",
      "a secret is Opaque | secrets | {'data':{}} | /type | \"Opaque\"",
      "a secret's stringData is folded into its data, base64 | secrets | {'data':{'a':'YQ==','b':'YQ=='},'stringData':{'b':'bé'}} | /data | {\"a\":\"YQ==\",\"b\":\"YsOp\"}",
      "a secret keeps no stringData | secrets | {'stringData':{'k':'hunter2'}} | /stringData | null",
      "a volume made by hand is retained when its claim goes | persistentvolumes | {'spec':{}} | /spec/persistentVolumeReclaimPolicy | \"Retain\"",
      "a claim is for a file system | persistentvolumeclaims | {'spec':{}} | /spec/volumeMode | \"Filesystem\"",
      "a live claim is protected while pods use it | persistentvolumeclaims | {'metadata':{'finalizers':['a/b']},'spec':{}} | /metadata/finalizers | [\"a/b\",\"kubernetes.io/pvc-protection\"]",
      "a claim being deleted is not protected again | persistentvolumeclaims | {'metadata':{'deletionTimestamp':'2026-12-07T00:00:00Z'},'spec':{}} | /metadata/finalizers | null",
      "a storage class deletes what it provisioned | storageclasses.storage.k8s.io | {'provisioner':'x'} | /reclaimPolicy | \"Delete\"",
      "a storage class binds at once | storageclasses.storage.k8s.io | {'provisioner':'x'} | /volumeBindingMode | \"Immediate\"",
      "a network policy without types isolates ingress | networkpolicies.networking.k8s.io | {'spec':{'podSelector':{}}} | /spec/policyTypes | [\"Ingress\"]",
      "a network policy with egress rules isolates both ways | networkpolicies.networking.k8s.io | {'spec':{'egress':[{}]}} | /spec/policyTypes | [\"Ingress\",\"Egress\"]",
      "a network policy's own types stay | networkpolicies.networking.k8s.io | {'spec':{'policyTypes':['Egress'],'ingress':[{}]}} | /spec/policyTypes | [\"Egress\"]",
      "a network policy without a pod selector selects every pod | networkpolicies.networking.k8s.io | {'spec':{}} | /spec/podSelector | {}",
      "a network policy port is TCP | networkpolicies.networking.k8s.io | {'spec':{'ingress':[{'ports':[{'port':80}]}]}} | /spec/ingress/0/ports/0 | {\"port\":80,\"protocol\":\"TCP\"}",
      "an ingress path gets no path type | ingresses.networking.k8s.io | {'spec':{'rules':[{'http':{'paths':[{'path':'/'}]}}]}} | /spec/rules/0/http/paths/0/pathType | null",
      "an ingress class's parameters are cluster-scoped | ingressclasses.networking.k8s.io | {'spec':{'controller':'a.io/b','parameters':{'kind':'K','name':'n'}}} | /spec/parameters/scope | \"Cluster\"",
      "an autoscaler keeps at least one replica | horizontalpodautoscalers.autoscaling | {'spec':{'maxReplicas':3}} | /spec/minReplicas | 1",
      "an autoscaler without metrics aims at 80% CPU | horizontalpodautoscalers.autoscaling | {'spec':{'maxReplicas':3}} | /spec/metrics | [{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":80}}}]",
      "an autoscaler's own metrics stay | horizontalpodautoscalers.autoscaling | {'spec':{'metrics':[{'type':'Pods'}]}} | /spec/metrics | [{\"type\":\"Pods\"}]",
      "an autoscaler without behavior gets none | horizontalpodautoscalers.autoscaling | {'spec':{}} | /spec/behavior | null",
      "an autoscaler's behavior is filled in as the controller applies it"
          + " | horizontalpodautoscalers.autoscaling | {'spec':{'behavior':{'scaleDown':{'stabilizationWindowSeconds':60}}}} | /spec/behavior"
          + " | {\"scaleDown\":{\"stabilizationWindowSeconds\":60,\"selectPolicy\":\"Max\",\"policies\":[{\"type\":\"Percent\",\"value\":100,\"periodSeconds\":15}]},"
          + "\"scaleUp\":{\"stabilizationWindowSeconds\":0,\"selectPolicy\":\"Max\",\"policies\":[{\"type\":\"Pods\",\"value\":4,\"periodSeconds\":15},{\"type\":\"Percent\",\"value\":100,\"periodSeconds\":15}]}}",
      "an autoscaler's empty policy list stays empty, for validation to refuse | horizontalpodautoscalers.autoscaling | {'spec':{'behavior':{'scaleUp':{'policies':[]}}}} | /spec/behavior/scaleUp/policies | []"})
  void missingFieldsTakeKubernetesDefaults(String sentence, String resource, String object, String pointer, String expected) throws Exception {
    ObjectNode defaulted = defaulted(resource, object);
    if (expected.equals("null")) {
      assertThat(defaulted.at(pointer).isMissingNode()).as("%s is gone", pointer).isTrue();
    } else {
      assertThat(defaulted.at(pointer)).isEqualTo(KubeJson.MAPPER.readTree(expected));
    }
  }
}
