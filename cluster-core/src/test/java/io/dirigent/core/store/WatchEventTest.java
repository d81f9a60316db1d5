package io.dirigent.core.store;

import static org.assertj.core.api.Assertions.assertThat;

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
  void eventsOfOneChangeShareOneEncodingOfTheObject() throws Exception {
    ObjectNode object = object();
    WatchEvent.Encoded encoded = new WatchEvent.Encoded(object);
    WatchEvent added = new WatchEvent(WatchEvent.Type.ADDED, object, encoded);
    WatchEvent modified = new WatchEvent(WatchEvent.Type.MODIFIED, object, encoded);

    assertThat(added.objectJson()).isSameAs(modified.objectJson());
    assertThat(KubeJson.MAPPER.readTree(added.objectJson())).isEqualTo(object);
    assertThat(KubeJson.MAPPER.readTree(new WatchEvent(WatchEvent.Type.ADDED, object).objectJson())).isEqualTo(object);
  }

  @Test
  void theSharedEncodingStaysOnThisMemberWhenAnEventTravels() throws Exception {
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    WatchEvent event = new WatchEvent(WatchEvent.Type.MODIFIED, object(), new WatchEvent.Encoded(object()));

    WatchEvent received = cbor.readValue(cbor.writeValueAsBytes(event), WatchEvent.class);

    assertThat(received.type()).isEqualTo(WatchEvent.Type.MODIFIED);
    assertThat(received.object()).isEqualTo(object());
    assertThat(received.encoded()).isNull();
    assertThat(KubeJson.MAPPER.readTree(received.objectJson())).isEqualTo(object());
  }
}
