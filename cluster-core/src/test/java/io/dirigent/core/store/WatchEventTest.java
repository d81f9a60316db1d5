package io.dirigent.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.dirigent.core.api.KubeJson;
import org.junit.jupiter.api.Test;

class WatchEventTest {

  private static ObjectNode object() {
    ObjectNode object = KubeJson.MAPPER.createObjectNode().put("kind", "ConfigMap");
    object.putObject("metadata").put("name", "a").put("resourceVersion", "7");
    return object;
  }

  @Test
  void eventsOfOneChangeShareOneLinePerType() throws Exception {
    // Frozen, as every object the watch cache hands out is: an event keeps the very tree it is given.
    ObjectNode object = io.dirigent.core.api.FrozenJson.freeze(object());
    WatchEvent.Encoded encoded = new WatchEvent.Encoded(object);
    WatchEvent added = new WatchEvent(WatchEvent.Type.ADDED, object, encoded);
    WatchEvent addedToAnother = new WatchEvent(WatchEvent.Type.ADDED, object, encoded);
    WatchEvent modified = new WatchEvent(WatchEvent.Type.MODIFIED, object, encoded);

    assertThat(added.json()).isSameAs(addedToAnother.json());
    assertLine(added.json(), "ADDED", object);
    assertLine(modified.json(), "MODIFIED", object);
    assertLine(new WatchEvent(WatchEvent.Type.DELETED, object).json(), "DELETED", object);
  }

  @Test
  void anErrorIsALineWithItsStatus() throws Exception {
    WatchEvent error = WatchEvent.error(StoreError.of(StoreError.Reason.GONE, "too old"));

    JsonNode line = KubeJson.MAPPER.readTree(error.json());
    assertThat(line.path("type").asText()).isEqualTo("ERROR");
    assertThat(line.path("object").path("code").asInt()).isEqualTo(410);
  }

  /** One JSON object with the type and the object, ending in a newline, as Kubernetes streams it. */
  private static void assertLine(byte[] line, String type, ObjectNode object) throws Exception {
    assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
    JsonNode event = KubeJson.MAPPER.readTree(line);
    assertThat(event.path("type").asText()).isEqualTo(type);
    assertThat(event.path("object")).isEqualTo(object);
    assertThat(event.size()).isEqualTo(2);
  }

  @Test
  void theSharedEncodingStaysOnThisMemberWhenAnEventTravels() throws Exception {
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    WatchEvent event = new WatchEvent(WatchEvent.Type.MODIFIED, object(), new WatchEvent.Encoded(object()));

    WatchEvent received = cbor.readValue(cbor.writeValueAsBytes(event), WatchEvent.class);

    assertThat(received.type()).isEqualTo(WatchEvent.Type.MODIFIED);
    assertThat(received.object()).isEqualTo(object());
    assertThat(received.encoded()).isNull();
    assertLine(received.json(), "MODIFIED", object());
  }
}
