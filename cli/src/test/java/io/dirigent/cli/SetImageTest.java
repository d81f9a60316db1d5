package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strategic merge patch {@code set image} sends: containers by name, init containers too. */
class SetImageTest {

  private static final String TEMPLATE = """
      {"initContainers":[{"name":"init","image":"i:1"}],
       "containers":[{"name":"web","image":"w:1"},{"name":"side","image":"s:1"}]}
      """;

  private static JsonNode deployment() throws Exception {
    return KubeJson.MAPPER.readTree("{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":{\"spec\":" + TEMPLATE + "}}}");
  }

  @Test
  void aNamedContainerOfAPodTemplateGetsItsImage() throws Exception {
    assertThat(SetCommand.Image.patch(deployment(), Map.of("web", "w:2")).toString())
        .isEqualTo("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"w:2\"}]}}}}");
  }

  @Test
  void aStarSetsEveryContainerIncludingInitContainersAndANameOverridesIt() throws Exception {
    Map<String, String> images = new LinkedHashMap<>();
    images.put("*", "all:2");
    images.put("side", "s:9");
    assertThat(SetCommand.Image.patch(deployment(), images).toString()).isEqualTo("{\"spec\":{\"template\":{\"spec\":{"
        + "\"initContainers\":[{\"name\":\"init\",\"image\":\"all:2\"}],"
        + "\"containers\":[{\"name\":\"web\",\"image\":\"all:2\"},{\"name\":\"side\",\"image\":\"s:9\"}]}}}}");
  }

  @Test
  void aPodsContainersAreInItsSpec() throws Exception {
    JsonNode pod = KubeJson.MAPPER.readTree("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":" + TEMPLATE + "}");
    assertThat(SetCommand.Image.patch(pod, Map.of("init", "i:2")).toString())
        .isEqualTo("{\"spec\":{\"initContainers\":[{\"name\":\"init\",\"image\":\"i:2\"}]}}");
  }

  @Test
  void aContainerThatIsNotThereOrAnObjectWithoutContainersIsAnError() throws Exception {
    assertThatThrownBy(() -> SetCommand.Image.patch(deployment(), Map.of("nosuch", "x:1")))
        .isInstanceOf(CliException.class).hasMessage("unable to find container named \"nosuch\"");
    JsonNode configMap = KubeJson.MAPPER.readTree("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
    assertThatThrownBy(() -> SetCommand.Image.patch(configMap, Map.of("*", "x:1")))
        .hasMessage("ConfigMap \"c\" has no pod template with containers");
  }
}
