package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.Storage;
import io.dirigent.core.store.DeleteOptions;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.testing.Await;
import io.dirigent.node.NodeSettings;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PersistentVolume controller, the local-path provisioner and the scheduler's volume binding
 * together, on the in-memory store with three simulated nodes (which take local volumes: they name
 * a volumes directory, though the simulated runtime makes none).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageControllersTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension
  static final SimulatedCluster cluster = SimulatedCluster.of("st", 3);

  private String namespace(String name) {
    return cluster.namespace(name);
  }

  private static PersistentVolumeClaimBuilder claim(String ns, String name, String size, String className) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(className)
        .withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources().endSpec();
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> Optional<T> find(Class<T> kind, String ns, String name) {
    return Await.result(cluster.store().get(kind, ns, name).thenApply(Optional::of).exceptionally(failure -> {
      if (io.dirigent.core.store.StoreException.is(failure, StoreError.Reason.NOT_FOUND)) {
        return Optional.empty();
      }
      throw new CompletionException(failure);
    }));
  }

  private String phase(PersistentVolumeClaim claim) {
    return claim.getStatus() == null ? null : claim.getStatus().getPhase();
  }

  private Pod podUsing(String ns, String name, String claim) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("dirigent/busybox:1")
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
        .addNewVolume().withName("data").withNewPersistentVolumeClaim(claim, false).endVolume().endSpec().build();
  }

  @Test
  void theClusterHasK3sDefaultStorageClass() {
    StorageClass local = Await.result(cluster.store().get(StorageClass.class, null, Storage.DEFAULT_CLASS));
    assertThat(local.getProvisioner()).isEqualTo("dirigent.io/local-path");
    assertThat(local.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
    assertThat(local.getReclaimPolicy()).isEqualTo("Delete");
    assertThat(local.getMetadata().getAnnotations()).containsEntry("storageclass.kubernetes.io/is-default-class", "true");
  }

  @Test
  void aPreMadeVolumeIsBoundToAClaimThatFitsAndRetainedWhenTheClaimGoes() {
    String ns = namespace("manual");
    String pvName = cluster.prefix() + "-manual";
    Await.result(cluster.store().create(new PersistentVolumeBuilder().withNewMetadata().withName(pvName).endMetadata()
        .withNewSpec().withCapacity(Map.of("storage", new Quantity("1Gi"))).withAccessModes("ReadWriteOnce", "ReadOnlyMany")
        .withStorageClassName("manual").withNewHostPath().withPath("/srv/" + pvName).endHostPath().endSpec().build()));
    Await.until("the volume is Available", WAIT, () -> {
      PersistentVolume pv = Await.result(cluster.store().get(PersistentVolume.class, null, pvName));
      return pv.getStatus() != null && "Available".equals(pv.getStatus().getPhase());
    });
    PersistentVolumeClaim created = Await.result(cluster.store().create(claim(ns, "data", "500Mi", "manual").build()));

    Await.until("the claim is Bound to the volume", WAIT, () -> {
      PersistentVolumeClaim claim = Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data"));
      return "Bound".equals(phase(claim)) && pvName.equals(claim.getSpec().getVolumeName());
    });
    PersistentVolumeClaim bound = Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data"));
    assertThat(bound.getStatus().getCapacity()).containsEntry("storage", new Quantity("1Gi"));
    assertThat(bound.getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/bind-completed", "yes");
    Await.until("the volume is Bound to the claim", WAIT, () -> {
      PersistentVolume pv = Await.result(cluster.store().get(PersistentVolume.class, null, pvName));
      return "Bound".equals(pv.getStatus().getPhase()) && created.getMetadata().getUid().equals(pv.getSpec().getClaimRef().getUid());
    });

    Await.result(cluster.store().delete(PersistentVolumeClaim.class, ns, "data", DeleteOptions.defaults()));
    Await.until("the volume is Released and kept (Retain)", WAIT, () -> {
      PersistentVolume pv = Await.result(cluster.store().get(PersistentVolume.class, null, pvName));
      return "Released".equals(pv.getStatus().getPhase());
    });
    Await.result(cluster.store().delete(PersistentVolume.class, null, pvName, DeleteOptions.defaults()));
  }

  @Test
  void aClaimThatNamesNoClassGetsTheDefaultOneAndWaitsForItsFirstConsumer() {
    String ns = namespace("default-class");
    Await.result(cluster.store().create(claim(ns, "data", "1Gi", null).build()));
    Await.until("the claim gets the local-path class", WAIT, () ->
        Storage.DEFAULT_CLASS.equals(Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data")).getSpec().getStorageClassName()));
    PersistentVolumeClaim claim = Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data"));
    assertThat(phase(claim)).isEqualTo("Pending");
    assertThat(claim.getSpec().getVolumeName()).isNull();
  }

  @Test
  void aLocalPathClaimGetsAVolumeOnItsPodsNodeWhichItsPodKeepsAndWhichGoesWithTheClaim() {
    String ns = namespace("local");
    PersistentVolumeClaim created = Await.result(cluster.store().create(claim(ns, "data-web-0", "1Gi", Storage.DEFAULT_CLASS).build()));
    Await.result(cluster.store().create(podUsing(ns, "web-0", "data-web-0")));

    Await.until("the claim is Bound", WAIT, () -> "Bound".equals(phase(Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data-web-0")))));
    Await.until("the pod is bound", WAIT, () -> Await.result(cluster.store().get(Pod.class, ns, "web-0")).getSpec().getNodeName() != null);
    String node = Await.result(cluster.store().get(Pod.class, ns, "web-0")).getSpec().getNodeName();
    PersistentVolumeClaim claim = Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data-web-0"));
    assertThat(claim.getMetadata().getAnnotations()).containsEntry(Storage.SELECTED_NODE, node);
    String pvName = "pvc-" + created.getMetadata().getUid();
    assertThat(claim.getSpec().getVolumeName()).isEqualTo(pvName);
    PersistentVolume pv = Await.result(cluster.store().get(PersistentVolume.class, null, pvName));
    String volumesDir = NodeSettings.from(cluster.member().system().settings().config()).volumesDir().toString();
    assertThat(pv.getSpec().getLocal().getPath()).isEqualTo(volumesDir + "/" + pvName + "_" + ns + "_data-web-0");
    assertThat(io.dirigent.core.api.LocalVolumes.node(io.dirigent.core.api.KubeJson.toTree(pv))).contains(node);
    assertThat(pv.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
    assertThat(pv.getMetadata().getFinalizers()).contains(Storage.LOCAL_VOLUME_FINALIZER);

    for (int round = 0; round < 3; round++) {
      Await.result(cluster.store().delete(Pod.class, ns, "web-0", DeleteOptions.defaults()));
      Await.until("the pod is gone", WAIT, () -> find(Pod.class, ns, "web-0").isEmpty());
      Await.result(cluster.store().create(podUsing(ns, "web-0", "data-web-0")));
      Await.until("the pod made again is bound", WAIT, () -> Await.result(cluster.store().get(Pod.class, ns, "web-0")).getSpec().getNodeName() != null);
      assertThat(Await.result(cluster.store().get(Pod.class, ns, "web-0")).getSpec().getNodeName()).as("round %d", round).isEqualTo(node);
    }

    Await.result(cluster.store().delete(Pod.class, ns, "web-0", DeleteOptions.defaults()));
    Await.result(cluster.store().delete(PersistentVolumeClaim.class, ns, "data-web-0", DeleteOptions.defaults()));
    Await.until("the volume is deleted, its node having let go of it", WAIT, () -> find(PersistentVolume.class, null, pvName).isEmpty());
  }

  @Test
  void aClaimInUseIsKeptUntilItsLastPodIsGone() {
    String ns = namespace("protected");
    Await.result(cluster.store().create(claim(ns, "data", "1Gi", Storage.DEFAULT_CLASS).build()));
    Await.result(cluster.store().create(podUsing(ns, "user", "data")));
    Await.until("the claim is Bound", WAIT, () -> "Bound".equals(phase(Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data")))));
    assertThat(Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data")).getMetadata().getFinalizers())
        .contains(Storage.CLAIM_PROTECTION);

    Await.result(cluster.store().delete(PersistentVolumeClaim.class, ns, "data", DeleteOptions.defaults()));
    Await.until("the claim is Terminating", WAIT, () -> Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data"))
        .getMetadata().getDeletionTimestamp() != null);
    String volume = Await.result(cluster.store().get(PersistentVolumeClaim.class, ns, "data")).getSpec().getVolumeName();
    assertThat(find(PersistentVolume.class, null, volume)).as("the volume stays while the claim is used").isPresent();

    Await.result(cluster.store().delete(Pod.class, ns, "user", DeleteOptions.defaults()));
    Await.until("the claim goes once its pod is gone", WAIT, () -> find(PersistentVolumeClaim.class, ns, "data").isEmpty());
    Await.until("and its volume with it", WAIT, () -> find(PersistentVolume.class, null, volume).isEmpty());
  }
}
