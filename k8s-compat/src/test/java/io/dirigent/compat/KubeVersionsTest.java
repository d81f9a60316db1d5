package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** After the example in Kubernetes' own comment on CompareKubeAwareVersionStrings. */
class KubeVersionsTest {

  @Test
  void versionsSortAsKubernetesPrefersThem() {
    List<String> versions = new ArrayList<>(List.of("foo1", "v11alpha2", "v1", "v3beta1", "v12alpha1", "foo10", "v10beta3", "v2", "v11beta2"));
    versions.sort(KubeVersions.PRIORITY);
    assertThat(versions).containsExactly("v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v12alpha1", "v11alpha2", "foo1", "foo10");
  }

  @Test
  void hugeVersionNumbersAreComparedAsNumbersNotOverflowed() {
    List<String> versions = new ArrayList<>(List.of("v99999999999999999999", "v100000000000000000000"));
    versions.sort(KubeVersions.PRIORITY);
    assertThat(versions).containsExactly("v100000000000000000000", "v99999999999999999999");
  }
}
