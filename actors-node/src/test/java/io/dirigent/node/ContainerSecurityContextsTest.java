package io.dirigent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dirigent.core.api.KubeJson;
import io.dirigent.node.ContainerSpecs.ConfigError;
import io.dirigent.node.runtime.ContainerSecurity;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A container's security settings from its pod's and its own securityContext, as the kubelet works them out. */
class ContainerSecurityContextsTest {

  private static Pod pod(String podContext, String containerContext) throws Exception {
    return KubeJson.toTyped(KubeJson.MAPPER.readTree("""
        {"metadata":{"name":"p","namespace":"ns","uid":"u1"},
         "spec":{"securityContext":%s,"containers":[{"name":"c","image":"i","securityContext":%s}]}}
        """.formatted(podContext, containerContext)), Pod.class);
  }

  private static ContainerSecurity of(String podContext, String containerContext, String imageUser) throws Exception {
    Pod pod = pod(podContext, containerContext);
    return ContainerSecurityContexts.of(pod, pod.getSpec().getContainers().get(0), imageUser);
  }

  @Test
  void nothingAskedIsTheRuntimesDefault() throws Exception {
    assertThat(of("{}", "{}", "")).isEqualTo(ContainerSecurity.DEFAULT);
  }

  @Test
  void theContainersSettingsWinOverThePods() throws Exception {
    ContainerSecurity security = of("{\"runAsUser\":1000,\"runAsGroup\":2000,\"supplementalGroups\":[5],\"fsGroup\":6}",
        "{\"runAsUser\":1001,\"readOnlyRootFilesystem\":true,\"allowPrivilegeEscalation\":false,"
            + "\"capabilities\":{\"drop\":[\"ALL\"],\"add\":[\"cap_net_bind_service\"]}}", "");
    assertThat(security).isEqualTo(new ContainerSecurity("1001:2000", List.of(5L, 6L), false, true,
        List.of("NET_BIND_SERVICE"), List.of("ALL"), true, false, false));
  }

  @Test
  void aGroupWithoutAUserKeepsTheImagesUser() throws Exception {
    assertThat(of("{\"runAsGroup\":7}", "{}", "app").user()).isEqualTo("app:7");
    assertThat(of("{\"runAsGroup\":7}", "{}", "").user()).isEqualTo("0:7");
  }

  @ParameterizedTest(name = "runAsNonRoot with runAsUser {0} and image user \"{1}\": {2}")
  @CsvSource(delimiter = '|', nullValues = "none", value = {
      "none | ''    | container has runAsNonRoot and image will run as root",
      "none | root  | container has runAsNonRoot and image will run as root",
      "none | 0:0   | container has runAsNonRoot and image will run as root",
      "none | app   | container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root",
      "0    | 1000  | container's runAsUser breaks non-root policy",
  })
  void runAsNonRootRefusesWhatWouldRunAsRoot(String runAsUser, String imageUser, String message) throws Exception {
    String context = "{\"runAsNonRoot\":true" + (runAsUser == null ? "" : ",\"runAsUser\":" + runAsUser) + "}";
    assertThatThrownBy(() -> of(context, "{}", imageUser)).isInstanceOf(ConfigError.class).hasMessageStartingWith(message);
  }

  @Test
  void runAsNonRootAcceptsANumericNonRootUser() throws Exception {
    assertThat(of("{\"runAsNonRoot\":true}", "{}", "1000").user()).isNull();
    assertThat(of("{\"runAsNonRoot\":true,\"runAsUser\":1000}", "{}", "").user()).isEqualTo("1000");
  }

  @Test
  void aSeccompProfileFromTheNodesFilesIsNotSupported() {
    assertThatThrownBy(() -> of("{\"seccompProfile\":{\"type\":\"Localhost\",\"localhostProfile\":\"../../etc/shadow\"}}", "{}", ""))
        .isInstanceOf(ConfigError.class).hasMessageContaining("Localhost is not supported");
  }

  @Test
  void aMalformedCapabilityIsAConfigError() {
    assertThatThrownBy(() -> of("{}", "{\"capabilities\":{\"add\":[\"NET_ADMIN --privileged\"]}}", ""))
        .isInstanceOf(ConfigError.class).hasMessageContaining("not a capability");
  }
}
