package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TablesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private final ResourceRegistry registry = ResourceRegistry.builtin();

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private ResourceType type(String resource) {
    return registry.byResource(resource).orElseThrow();
  }

  @Test
  void aPodRowHasKubectlsCellsWithRestartsAndWhenTheLastOneWas() {
    ObjectNode pod = json("""
        {'metadata':{'name':'web-1','creationTimestamp':'2026-12-02T11:55:00Z'},
         'spec':{'nodeName':'node-1','containers':[{'name':'a'},{'name':'b'}]},
         'status':{'phase':'Running','podIP':'10.0.0.5','containerStatuses':[
           {'name':'a','ready':true,'restartCount':2,'lastState':{'terminated':{'finishedAt':'2026-12-02T11:58:00Z'}},'state':{'running':{}}},
           {'name':'b','ready':false,'restartCount':0,'state':{'running':{}}}]}}""");
    List<Object> cells = Tables.cells(type("pods"), pod, NOW);
    assertThat(cells).containsExactly("web-1", "1/2", "Running", "2 (2m ago)", "5m", "10.0.0.5", "node-1", "<none>", "<none>");
    assertThat(Tables.columns(type("pods"))).extracting(Tables.Column::name)
        .containsExactly("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates");
  }

  @Test
  void aReplicationControllerRowHasKubectlsColumnsWithItsMapSelector() {
    ObjectNode rc = json("""
        {'metadata':{'name':'frontend','creationTimestamp':'2026-12-02T11:58:00Z'},
         'spec':{'replicas':3,'selector':{'tier':'web','app':'shop'},'template':{'spec':{'containers':[{'name':'web','image':'httpenv:1'}]}}},
         'status':{'replicas':2,'readyReplicas':1}}""");
    assertThat(Tables.columns(type("replicationcontrollers"))).extracting(Tables.Column::name)
        .containsExactly("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector");
    assertThat(Tables.cells(type("replicationcontrollers"), rc, NOW))
        .containsExactly("frontend", 3L, 2L, 1L, "2m", "web", "httpenv:1", "app=shop,tier=web");
  }

  @Test
  void anEndpointSliceRowShowsThreeAddressesAndHowManyMore() {
    ObjectNode slice = json("""
        {'metadata':{'name':'web-abc12','creationTimestamp':'2026-12-02T11:59:00Z'},'addressType':'IPv4',
         'ports':[{'name':'http','port':8080,'protocol':'TCP'}],
         'endpoints':[{'addresses':['10.1.0.1']},{'addresses':['10.1.0.2']},{'addresses':['10.1.0.3']},{'addresses':['10.1.0.4']}]}""");
    assertThat(Tables.columns(type("endpointslices.discovery.k8s.io"))).extracting(Tables.Column::name)
        .containsExactly("Name", "AddressType", "Ports", "Endpoints", "Age");
    assertThat(Tables.cells(type("endpointslices.discovery.k8s.io"), slice, NOW))
        .containsExactly("web-abc12", "IPv4", "8080", "10.1.0.1,10.1.0.2,10.1.0.3 + 1 more...", "60s");
  }

  @Test
  void aTableCarriesColumnsRowsAndEachObjectsMetadata() {
    ObjectNode deployment = json("""
        {'metadata':{'name':'web','namespace':'default','creationTimestamp':'2026-12-02T10:00:00Z','labels':{'app':'web'}},
         'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},'template':{'spec':{'containers':[{'name':'web','image':'httpenv:1'}]}}},
         'status':{'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2}}""");
    ObjectNode table = Tables.table(type("deployments.apps"), Tables.Version.V1, List.of(deployment), Tables.IncludeObject.METADATA,
        NOW, "42", null, 0);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("metadata").path("resourceVersion").asText()).isEqualTo("42");
    JsonNode row = table.path("rows").get(0);
    assertThat(row.path("cells").toString()).isEqualTo("[\"web\",\"2/3\",3,2,\"120m\",\"web\",\"httpenv:1\",\"app=web\"]");
    assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(row.path("object").path("metadata").path("namespace").asText()).isEqualTo("default");
    assertThat(table.path("columnDefinitions").get(5).path("priority").asInt()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} s old is {1}")
  @CsvSource({"0,0s", "119,119s", "200,3m20s", "600,10m", "10799,179m", "10800,3h", "18060,5h1m", "32400,9h", "190800,2d5h", "864000,10d", "63072000,2y"})
  void agesReadAsKubectlPrintsThem(long seconds, String expected) {
    assertThat(Tables.humanDuration(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json | V1",
      "application/json;as=Table;v=v1beta1;g=meta.k8s.io | V1BETA1",
      "application/json | NONE"})
  void theAcceptHeaderAsksForATable(String accept, String expected) {
    assertThat(Tables.negotiate(accept).map(Enum::name).orElse("NONE")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "the phase when nothing says more | {'status':{'phase':'Running','containerStatuses':[{'state':{'running':{}}}]}} | Running",
      "a waiting container's reason | {'status':{'phase':'Running','containerStatuses':[{'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}} | CrashLoopBackOff",
      "a terminated container's reason | {'status':{'phase':'Succeeded','containerStatuses':[{'state':{'terminated':{'reason':'Completed','exitCode':0}}}]}} | Completed",
      "init containers still to run | {'spec':{'initContainers':[{},{}]},'status':{'phase':'Pending','initContainerStatuses':[{'state':{'running':{}}},{'state':{'waiting':{'reason':'PodInitializing'}}}]}} | Init:0/2",
      "a failed init container | {'spec':{'initContainers':[{}]},'status':{'phase':'Pending','initContainerStatuses':[{'state':{'terminated':{'exitCode':1,'reason':'Error'}}}]}} | Init:Error",
      "a pod being deleted | {'metadata':{'deletionTimestamp':'2026-12-02T11:00:00Z'},'status':{'phase':'Running'}} | Terminating"})
  void thePodStatusColumnSaysWhatKubectlSays(String sentence, String pod, String expected) {
    assertThat(Tables.podStatus(json(pod))).isEqualTo(expected);
  }

  @Test
  void anEventRowNamesItsObjectAndHowOftenItHappened() {
    ObjectNode event = json("""
        {'metadata':{'name':'web-1.abc'},'involvedObject':{'kind':'Pod','name':'web-1'},'reason':'Started','type':'Normal',
         'message':'Started container web ','count':3,'firstTimestamp':'2026-12-02T11:50:00Z','lastTimestamp':'2026-12-02T11:59:00Z',
         'source':{'component':'kubelet','host':'node-1'}}""");
    assertThat(Tables.cells(type("events"), event, NOW))
        .containsExactly("60s", "Normal", "Started", "pod/web-1", "", "kubelet, node-1", "Started container web", "10m", 3L, "web-1.abc");
  }

  @Test
  void aVolumeRowAbbreviatesItsAccessModesAndNamesItsClaim() {
    ObjectNode pv = json("""
        {'metadata':{'name':'pvc-1','creationTimestamp':'2026-12-02T11:55:00Z'},
         'spec':{'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteMany','ReadWriteOnce'],'persistentVolumeReclaimPolicy':'Delete',
                 'claimRef':{'namespace':'default','name':'data-web-0'},'storageClassName':'local-path','volumeMode':'Filesystem'},
         'status':{'phase':'Bound'}}""");
    assertThat(Tables.cells(type("persistentvolumes"), pv, NOW))
        .containsExactly("pvc-1", "1Gi", "RWO,RWX", "Delete", "Bound", "default/data-web-0", "local-path", "<unset>", "", "5m", "Filesystem");
    assertThat(Tables.columns(type("persistentvolumes"))).extracting(Tables.Column::name).containsExactly(
        "Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass", "Reason", "Age", "VolumeMode");
  }

  @Test
  void aClaimRowShowsItsCapacityOnlyOnceBound() {
    ObjectNode pending = json("""
        {'metadata':{'name':'data-web-0','creationTimestamp':'2026-12-02T11:55:00Z'},
         'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},'storageClassName':'local-path'},
         'status':{'phase':'Pending'}}""");
    assertThat(Tables.cells(type("persistentvolumeclaims"), pending, NOW))
        .containsExactly("data-web-0", "Pending", "", "", "", "local-path", "<unset>", "5m", "Filesystem");
    ObjectNode bound = json("""
        {'metadata':{'name':'data-web-0','creationTimestamp':'2026-12-02T11:55:00Z'},
         'spec':{'accessModes':['ReadWriteOnce'],'volumeName':'pvc-1','storageClassName':'local-path'},
         'status':{'phase':'Bound','capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce']}}""");
    assertThat(Tables.cells(type("persistentvolumeclaims"), bound, NOW))
        .containsExactly("data-web-0", "Bound", "pvc-1", "1Gi", "RWO", "local-path", "<unset>", "5m", "Filesystem");
  }

  @Test
  void theDefaultStorageClassIsMarkedSo() {
    ObjectNode sc = json("""
        {'metadata':{'name':'local-path','creationTimestamp':'2026-12-02T11:55:00Z','annotations':{'storageclass.kubernetes.io/is-default-class':'true'}},
         'provisioner':'dirigent.io/local-path','reclaimPolicy':'Delete','volumeBindingMode':'WaitForFirstConsumer'}""");
    assertThat(Tables.cells(type("storageclasses.storage.k8s.io"), sc, NOW))
        .containsExactly("local-path (default)", "dirigent.io/local-path", "Delete", "WaitForFirstConsumer", "false", "5m");
  }
}
