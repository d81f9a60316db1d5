package io.dirigent.cli;

import static io.dirigent.cli.testing.BinDirigent.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dirigent.cli.testing.BinDirigent;
import io.dirigent.cli.testing.Leftovers;
import io.dirigent.core.testing.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second real client: fabric8's Java kubernetes-client, configured from the kubeconfig
 * {@code bin/dirigent up} writes, against a real Dirigent on the real Docker engine — CRUD on
 * ConfigMaps and Deployments, a watch, and informers on pods and Deployments.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesClientIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir static Path dataDir;
  private KubernetesClient client;
  private final String ns = "fabric8-" + Long.toString(System.nanoTime() % 1_000_000, 36);

  @BeforeAll
  void up() throws Exception {
    BinDirigent.Run up = run("up", "--data-dir", dataDir.toString(), "--port", "0", "--api-port", "0",
        "--node-name", "fabric8-" + Long.toString(System.nanoTime() % 1_000_000, 36));
    assertThat(up.exit()).as(up.output()).isZero();
    Config config = Config.fromKubeconfig(Files.readString(dataDir.resolve("kubeconfig")));
    client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
  }

  @AfterAll
  void down() throws Exception {
    if (client != null) {
      client.close();
    }
    BinDirigent.Run down = Leftovers.downAndRemove(dataDir);
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(Leftovers.containersOf(dataDir)).as("containers of this class's server").isEmpty();
  }

  @Test
  void createReadUpdatePatchAndDeleteAConfigMap() {
    ConfigMap created = client.configMaps().inNamespace(ns)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata().addToData("mode", "a").build()).create();
    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(client.configMaps().inNamespace(ns).withName("settings").get().getData()).containsEntry("mode", "a");

    ConfigMap edited = client.configMaps().inNamespace(ns).withName("settings").edit(cm -> {
      cm.getData().put("mode", "b");
      return cm;
    });
    assertThat(edited.getData()).containsEntry("mode", "b");
    assertThat(Long.parseLong(edited.getMetadata().getResourceVersion())).isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

    ConfigMap patched = client.configMaps().inNamespace(ns).withName("settings")
        .patch("{\"metadata\":{\"labels\":{\"patched\":\"yes\"}}}");
    assertThat(patched.getMetadata().getLabels()).containsEntry("patched", "yes");
    assertThat(client.configMaps().inNamespace(ns).withLabel("patched", "yes").list().getItems())
        .extracting(cm -> cm.getMetadata().getName()).containsExactly("settings");

    // A stale resourceVersion is refused with 409, as Kubernetes refuses it.
    ConfigMap stale = new ConfigMapBuilder(created).addToData("mode", "c").build();
    assertThatThrownBy(() -> client.configMaps().inNamespace(ns).resource(stale).update())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

    assertThat(client.configMaps().inNamespace(ns).withName("settings").delete()).hasSize(1);
    Await.until("the ConfigMap gone", WAIT, () -> client.configMaps().inNamespace(ns).withName("settings").get() == null);
  }

  @Test
  void aWatchSeesAddedModifiedAndDeleted() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = client.configMaps().inNamespace(ns).withName("watched").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        seen.add(action + " " + resource.getData().get("v"));
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("watched").endMetadata()
          .addToData("v", "1").build()).create();
      client.configMaps().inNamespace(ns).withName("watched").edit(cm -> new ConfigMapBuilder(cm).addToData("v", "2").build());
      client.configMaps().inNamespace(ns).withName("watched").delete();
      Await.until("three events", WAIT, () -> seen.size() >= 3);
    }
    assertThat(seen).containsExactly("ADDED 1", "MODIFIED 2", "DELETED 2");
  }

  @Test
  void informersOnDeploymentsAndPodsFollowARealDeployment() throws Exception {
    Set<String> deploymentsAdded = ConcurrentHashMap.newKeySet();
    Map<String, String> podPhases = new ConcurrentHashMap<>();
    Set<String> podsDeleted = ConcurrentHashMap.newKeySet();
    SharedIndexInformer<Deployment> deployments = client.apps().deployments().inNamespace(ns).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Deployment d) {
        deploymentsAdded.add(d.getMetadata().getName());
      }

      @Override
      public void onUpdate(Deployment before, Deployment after) {}

      @Override
      public void onDelete(Deployment d, boolean unknown) {}
    });
    SharedIndexInformer<Pod> pods = client.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        podPhases.put(pod.getMetadata().getName(), String.valueOf(pod.getStatus() == null ? null : pod.getStatus().getPhase()));
      }

      @Override
      public void onUpdate(Pod before, Pod after) {
        podPhases.put(after.getMetadata().getName(), String.valueOf(after.getStatus() == null ? null : after.getStatus().getPhase()));
      }

      @Override
      public void onDelete(Pod pod, boolean unknown) {
        podsDeleted.add(pod.getMetadata().getName());
      }
    });
    try {
      client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName("informed").endMetadata()
          .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "informed").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "informed").endMetadata()
          .withNewSpec().addNewContainer().withName("c").withImage("dirigent/busybox:1").withCommand("sleep", "3600").endContainer()
          .endSpec().endTemplate().endSpec().build()).create();

      Await.until("the deployment and two running pods seen by the informers", WAIT, () -> deploymentsAdded.contains("informed")
          && podPhases.values().stream().filter("Running"::equals).count() == 2);
      assertThat(pods.getIndexer().list()).hasSize(2).allSatisfy(pod -> assertThat(pod.getMetadata().getName()).startsWith("informed-"));
      Await.until("the informer's cache shows the status the controller wrote", WAIT, () -> {
        Deployment cached = deployments.getIndexer().getByKey(ns + "/informed");
        return cached != null && cached.getStatus() != null && Integer.valueOf(2).equals(cached.getStatus().getAvailableReplicas());
      });

      client.apps().deployments().inNamespace(ns).withName("informed").delete();
      Await.until("the informer saw both pods go", WAIT, () -> podsDeleted.size() == 2 && pods.getIndexer().list().isEmpty());
    } finally {
      deployments.close();
      pods.close();
    }
  }
}
