package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PersistentVolumes, claims and StorageClasses as Kubernetes validates them; among the cases, the
 * hostile ones: paths that leave their root, sizes no disk has, quantities that are none.
 */
class StorageRulesTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a local volume pinned to its node is fine"
          + " | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'local':{'path':'/data/v1'},'nodeAffinity':{'required':{'nodeSelectorTerms':[{'matchExpressions':[{'key':'kubernetes.io/hostname','operator':'In','values':['w1']}]}]}}}"
          + " | ",
      "a hostPath volume needs no node affinity | {'capacity':{'storage':'10Mi'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/data/v1'}} | ",
      "a volume without a size or access modes is refused | {'hostPath':{'path':'/data/v1'}} | spec.capacity: Required value; spec.accessModes: Required value",
      "a volume without a source is refused | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce']} | spec: Required value: must specify a volume type",
      "a volume with two sources is refused"
          + " | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a'},'local':{'path':'/b'},'nodeAffinity':{'required':{'nodeSelectorTerms':[{}]}}}"
          + " | spec.local: Forbidden: may not specify more than 1 volume type",
      "a source Dirigent cannot mount is refused | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'nfs':{'server':'x','path':'/'}} | spec.nfs: Unsupported value: \"\": supported values: \"hostPath\", \"local\"",
      "a path that climbs out is refused | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/data/../etc'}} | spec.hostPath.path: Invalid value: \"/data/../etc\": must not contain '..'",
      "a relative path is refused | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'data/v1'}} | spec.hostPath.path: Invalid value: \"data/v1\": must be an absolute path",
      "a local volume without node affinity is refused | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'local':{'path':'/data/v1'}} | spec.nodeAffinity: Required value: Local volume requires node affinity",
      "a capacity other than storage is refused | {'capacity':{'storage':'1Gi','cpu':'1'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a'}} | spec.capacity: Unsupported value: \"storage, cpu\": supported values: \"storage\"",
      "an unknown access mode is refused | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteSometimes'],'hostPath':{'path':'/a'}} | spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadWriteOnce\", \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOncePod\"",
      "Recycle is not a reclaim policy Dirigent has | {'capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a'},'persistentVolumeReclaimPolicy':'Recycle'} | spec.persistentVolumeReclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\"",
      "a size larger than 8Ei is refused | {'capacity':{'storage':'9Ei'},'accessModes':['ReadWriteOnce'],'hostPath':{'path':'/a'}} | spec.capacity.storage: Invalid value: \"9Ei\": must be less than or equal to 8Ei (9223372036854775807 bytes)",
  })
  void persistentVolumes(String behaviour, String spec, String expected) throws Exception {
    assertThat(errors("persistentvolumes", "{'spec':" + spec + "}")).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a claim for a gibibyte is fine | {'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}} | ",
      "a claim of a class for a volume by name is fine | {'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},'storageClassName':'local-path','volumeName':'pv-1'} | ",
      "a claim without a size is refused | {'accessModes':['ReadWriteOnce']} | spec.resources[storage]: Required value",
      "a claim without access modes is refused | {'resources':{'requests':{'storage':'1Gi'}}} | spec.accessModes: Required value",
      "a size of zero is refused | {'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'0'}}} | spec.resources[storage]: Invalid value: \"0\": must be greater than zero",
      "a negative size is refused | {'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'-1Gi'}}} | spec.resources[storage]: Invalid value: \"-1Gi\": must be greater than zero",
      "a size that is no quantity is refused | {'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'lots'}}} | spec.resources[storage]: Invalid value: \"lots\": " + Quantities.FORMAT_ERROR,
      "a size with an exponent beyond any disk is refused | {'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1e300'}}} | spec.resources[storage]: Invalid value: \"1e300\": must be less than or equal to 8Ei (9223372036854775807 bytes)",
      "a volume name that is a path is refused"
          + " | {'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}},'volumeName':'../../etc'}"
          + " | spec.volumeName: Invalid value: \"../../etc\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  })
  void claims(String behaviour, String spec, String expected) throws Exception {
    assertThat(errors("persistentvolumeclaims", "{'spec':" + spec + "}")).isEqualTo(expected == null ? "" : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "k3s' local-path class is fine | {'provisioner':'dirigent.io/local-path','reclaimPolicy':'Delete','volumeBindingMode':'WaitForFirstConsumer'} | ",
      "a class without a provisioner is refused | {} | provisioner: Required value",
      "an unknown binding mode is refused | {'provisioner':'x','volumeBindingMode':'Later'} | volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\"",
  })
  void storageClasses(String behaviour, String object, String expected) throws Exception {
    assertThat(errors("storageclasses.storage.k8s.io", object)).isEqualTo(expected == null ? "" : expected);
  }

  private static String errors(String resource, String json) throws Exception {
    ObjectNode object = (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
    List<FieldError> errors = new ArrayList<>();
    StorageRules.validate(REGISTRY.byResource(resource).orElseThrow(), object, errors);
    return String.join("; ", errors.stream().map(FieldError::message).toList());
  }
}
