package io.dirigent.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;

/**
 * A patch, any bytes at all, of each type the API takes (JSON patch, merge patch, strategic merge
 * patch, an applied configuration), read and applied to a Deployment: it either applies or is
 * refused with a Status of its own (400, 413 or 422). Anything else thrown is a finding.
 */
class PatchesFuzzTest {

  private static final List<RequestBodies.Patch.Type> TYPES = List.of(RequestBodies.Patch.Type.values());
  private static final long MAX_COPIED_BYTES = 3L << 20;
  private static final ObjectNode DEPLOYMENT = KubeJson.toTree(new DeploymentBuilder()
      .withNewMetadata().withName("web").withNamespace("default").addToLabels("app", "web").endMetadata()
      .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector()
      .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
      .withNewSpec().addNewContainer().withName("web").withImage("dirigent/httpenv:1").addNewPort().withContainerPort(80).endPort()
      .addNewEnv().withName("A").withValue("1").endEnv().endContainer().endSpec().endTemplate().endSpec()
      .build());

  @FuzzTest(maxDuration = "20s")
  void patchesApplyOrAreRefused(FuzzedDataProvider data) {
    RequestBodies.Patch.Type type = data.pickValue(TYPES);
    RequestBodies.Patch patch;
    try {
      patch = RequestBodies.patch(type, data.consumeRemainingAsBytes());
    } catch (RequestBodies.BodyException refused) {
      return;
    }
    try {
      Patches.apply(patch, DEPLOYMENT.deepCopy(), MAX_COPIED_BYTES);
    } catch (StoreException | RequestBodies.BodyException refused) {
      // a malformed patch (400), one too large (413), or one that cannot be applied (422)
    }
  }
}
