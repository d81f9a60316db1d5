package io.dirigent.core.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** LimitRanger's defaults and bounds, and the quota arithmetic, in tables after Kubernetes' admission tests. */
class LimitRangerTest {

  private static JsonNode json(String text) {
    try {
      return KubeJson.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode range(String items) {
    return json("{\"spec\":{\"limits\":[" + items + "]}}");
  }

  private static ObjectNode spec(String resources) {
    return (ObjectNode) json("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":" + resources + "}]}");
  }

  @Test
  void containersGetTheDefaultsTheyDoNotSet() {
    ObjectNode spec = spec("{\"requests\":{\"cpu\":\"100m\"}}");
    LimitRanger.applyDefaults(spec, List.of(range(
        "{\"type\":\"Container\",\"default\":{\"cpu\":\"1\",\"memory\":\"512Mi\"},\"defaultRequest\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}")));
    JsonNode resources = spec.path("containers").path(0).path("resources");
    assertThat(resources.path("requests").path("cpu").asText()).as("what it set stays").isEqualTo("100m");
    assertThat(resources.path("requests").path("memory").asText()).isEqualTo("256Mi");
    assertThat(resources.path("limits").path("cpu").asText()).isEqualTo("1");
    assertThat(resources.path("limits").path("memory").asText()).isEqualTo("512Mi");
  }

  static Stream<Arguments> bounds() {
    String container = "{\"type\":\"Container\",\"min\":{\"cpu\":\"100m\"},\"max\":{\"cpu\":\"1\"},\"maxLimitRequestRatio\":{\"cpu\":\"4\"}}";
    return Stream.of(
        Arguments.of("within every bound", container, "{\"requests\":{\"cpu\":\"200m\"},\"limits\":{\"cpu\":\"500m\"}}", List.of()),
        Arguments.of("a request below the minimum", container, "{\"requests\":{\"cpu\":\"50m\"},\"limits\":{\"cpu\":\"100m\"}}",
            List.of("minimum cpu usage per Container is 100m, but request is 50m")),
        Arguments.of("no request under a minimum", "{\"type\":\"Container\",\"min\":{\"memory\":\"10Mi\"}}", "{}",
            List.of("minimum memory usage per Container is 10Mi.  No request is specified")),
        Arguments.of("a limit above the maximum", container, "{\"requests\":{\"cpu\":\"500m\"},\"limits\":{\"cpu\":\"2\"}}",
            List.of("maximum cpu usage per Container is 1, but limit is 2")),
        Arguments.of("no limit under a maximum", "{\"type\":\"Container\",\"max\":{\"cpu\":\"1\"}}", "{\"requests\":{\"cpu\":\"100m\"}}",
            List.of("maximum cpu usage per Container is 1.  No limit is specified")),
        Arguments.of("a limit too many times the request", container, "{\"requests\":{\"cpu\":\"100m\"},\"limits\":{\"cpu\":\"1\"}}",
            List.of("cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000")),
        Arguments.of("a pod's containers together above the pod's maximum",
            "{\"type\":\"Pod\",\"max\":{\"memory\":\"1Gi\"}}", "{\"limits\":{\"memory\":\"2Gi\"}}",
            List.of("maximum memory usage per Pod is 1Gi, but limit is 2Gi")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bounds")
  void theBoundsRefuse(String why, String item, String resources, List<String> expected) {
    assertThat(LimitRanger.violations(spec(resources), List.of(range(item)))).isEqualTo(expected);
  }

  @Test
  void severalBrokenBoundsAreOneMessageInBrackets() {
    assertThat(LimitRanger.aggregate(List.of("a", "b"))).isEqualTo("[a, b]");
    assertThat(LimitRanger.aggregate(List.of("a"))).isEqualTo("a");
  }

  static Stream<Arguments> formats() {
    return Stream.of(
        Arguments.of("whole cores", "2", "2"),
        Arguments.of("thousandths of a core", "0.5", "500m"),
        Arguments.of("mebibytes", "268435456", "256Mi"),
        Arguments.of("a gibibyte and a half is 1536Mi", "1610612736", "1536Mi"),
        Arguments.of("bytes that are no whole kibibyte", "1000", "1000"),
        Arguments.of("zero", "0", "0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void amountsPrintAsQuantities(String why, String amount, String text) {
    assertThat(Amounts.format(new BigDecimal(amount))).isEqualTo(text);
  }

  @Test
  void aPodCountsItsContainersRequestsAndLimitsAndAnEndedPodCountsNothing() {
    JsonNode pod = json("""
        {"spec":{"containers":[{"name":"a","resources":{"requests":{"cpu":"250m","memory":"64Mi"},"limits":{"cpu":"500m"}}},
                               {"name":"b","resources":{"requests":{"cpu":"250m"}}}],
                 "initContainers":[{"name":"i","resources":{"requests":{"cpu":"1"}}}]}}
        """);
    Map<String, BigDecimal> usage = QuotaUsage.of("pods", pod);
    assertThat(Amounts.format(usage.get("requests.cpu"))).as("the init container's 1 is more than the sum").isEqualTo("1");
    assertThat(Amounts.format(usage.get("cpu"))).isEqualTo("1");
    assertThat(Amounts.format(usage.get("requests.memory"))).isEqualTo("64Mi");
    assertThat(Amounts.format(usage.get("limits.cpu"))).isEqualTo("500m");
    assertThat(usage.get("pods")).isEqualByComparingTo("1");
    assertThat(usage.get("count/pods")).isEqualByComparingTo("1");
    assertThat(QuotaUsage.unspecified("pods", pod, java.util.Set.of("limits.cpu", "requests.memory", "pods")))
        .as("b sets no cpu limit, b and i no memory request").containsExactly("limits.cpu", "requests.memory");
    ((ObjectNode) pod).putObject("status").put("phase", "Succeeded");
    assertThat(QuotaUsage.of("pods", pod)).containsOnlyKeys("count/pods");
  }

  @Test
  void aServiceCountsItsNodePortsAndLoadBalancers() {
    Map<String, BigDecimal> usage = QuotaUsage.of("services", json("{\"spec\":{\"type\":\"LoadBalancer\",\"ports\":[{\"port\":80},{\"port\":443}]}}"));
    assertThat(usage.get("services")).isEqualByComparingTo("1");
    assertThat(usage.get("services.nodeports")).isEqualByComparingTo("2");
    assertThat(usage.get("services.loadbalancers")).isEqualByComparingTo("1");
    assertThat(QuotaUsage.of("deployments.apps", json("{}"))).containsOnlyKeys("count/deployments.apps");
  }
}
