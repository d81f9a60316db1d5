package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/** A cached object that cannot be read as its kind is left out of typed views, so no reconcile fails on it. */
class CacheTest {

  private static ObjectNode pod(String name, String ports) throws Exception {
    return (ObjectNode) KubeJson.MAPPER.readTree("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"ns"},
         "spec":{"containers":[{"name":"c","image":"i","ports":%s}]}}
        """.formatted(name, ports));
  }

  @Test
  void anUnreadableObjectIsAbsentFromTypedViewsAndItsTreeStaysThere() throws Exception {
    java.util.List<String> reported = new java.util.ArrayList<>();
    Cache cache = new Cache((object, why) -> reported.add(KubeJson.name(object) + ": " + why));
    cache.put(Pod.class, pod("good", "[{\"containerPort\":80}]"));
    cache.put(Pod.class, pod("broken", "\"abc\""));

    assertThat(cache.list(Pod.class, "ns")).extracting(p -> p.getMetadata().getName()).containsExactly("good");
    assertThat(cache.get(Pod.class, "ns/broken")).isEmpty();
    assertThat(cache.get(Pod.class, "ns/good")).isPresent();
    assertThat(cache.tree(Pod.class, "ns/broken")).isPresent();
    // Reported once for its version, however often it is looked at.
    assertThat(reported).hasSize(1).allMatch(line -> line.startsWith("broken: "));
  }
}
