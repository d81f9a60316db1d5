package io.dirigent.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.StoreException;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;

/**
 * Label and field selectors as a client writes them, anything at all: each either compiles and
 * judges objects, or is refused with the store's BAD_REQUEST. Anything else thrown is a finding
 * (it would be a 500, or break a watch's filter in the index).
 */
class SelectorsFuzzTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
  private static final List<ResourceType> TYPES = List.of(
      REGISTRY.byResource("pods").orElseThrow(), REGISTRY.byResource("configmaps").orElseThrow(),
      REGISTRY.byResource("events").orElseThrow(), REGISTRY.byResource("nodes").orElseThrow());
  private static final com.fasterxml.jackson.databind.node.ObjectNode POD = KubeJson.toTree(new PodBuilder()
      .withNewMetadata().withName("web-1").withNamespace("default").addToLabels("app", "web").addToLabels("tier", "1").endMetadata()
      .withNewSpec().withNodeName("node-a").addNewContainer().withName("c").withImage("i").endContainer().endSpec()
      .withNewStatus().withPhase("Running").endStatus()
      .build());

  @FuzzTest(maxDuration = "20s")
  void selectorsCompileOrAreABadRequest(FuzzedDataProvider data) {
    ResourceType type = data.pickValue(TYPES);
    String labels = data.consumeString(200);
    String fields = data.consumeRemainingAsString();
    ObjectFilter.Compiled compiled;
    try {
      compiled = new ObjectFilter(null, labels, fields).compile(type);
    } catch (StoreException refused) {
      return;
    }
    compiled.matches(POD);
  }
}
