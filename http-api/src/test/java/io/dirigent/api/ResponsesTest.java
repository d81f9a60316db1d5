package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.store.StoreError;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponsesTest {

  @ParameterizedTest(name = "{0}: {1}, Retry-After {2}")
  @CsvSource({
      "UNAVAILABLE, 503, true",
      "TIMEOUT, 504, true",
      "CONFLICT, 409, false",
      "INTERNAL, 500, false"})
  void aStoreFailureThatWillPassSaysWhenToTryAgainAsKubernetesStorageErrorsDo(StoreError.Reason reason, int code, boolean retry) {
    HttpResponse response = Responses.failure(new StoreError(reason, "what happened", List.of()));
    assertThat(response.status().intValue()).isEqualTo(code);
    assertThat(response.getHeader("Retry-After").map(HttpHeader::value)).isEqualTo(retry ? java.util.Optional.of("1") : java.util.Optional.empty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a conflict on a core kind names the resource | services | mock-2 | "
          + "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"services \\\"mock-2\\\" already exists\",\"reason\":\"AlreadyExists\","
          + "\"details\":{\"name\":\"mock-2\",\"kind\":\"services\"},\"code\":409}",
      "a conflict on a grouped kind names its group too | deployments.apps | triple-nginx | "
          + "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"deployments.apps \\\"triple-nginx\\\" already exists\",\"reason\":\"AlreadyExists\","
          + "\"details\":{\"name\":\"triple-nginx\",\"group\":\"apps\",\"kind\":\"deployments\"},\"code\":409}"})
  void anAlreadyExistsStatusIsWrittenByteForByteAsKubernetesWritesIt(String sentence, String resource, String name, String expected) {
    ResourceType type = ResourceRegistry.builtin().byResource(resource).orElseThrow();
    ObjectNode status = ApiStatus.failure(StoreError.alreadyExists(type.resource(), name), type, name);

    assertThat(body(Responses.status(status))).isEqualTo(expected + "\n");
  }

  @Test
  void detailsAddedAfterTheCodeAreStillWrittenBeforeIt() {
    ObjectNode status = ApiStatus.tooManyRequests("a bound");

    assertThat(body(Responses.status(status))).isEqualTo(
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\"Too many requests, please try again later (a bound).\",\"reason\":\"TooManyRequests\","
            + "\"details\":{\"retryAfterSeconds\":1},\"code\":429}\n");
  }

  @Test
  void everyJsonAnswerEndsWithTheNewlineGosEncoderWrites() {
    ObjectNode object = JsonNodeFactory.instance.objectNode().put("kind", "ConfigMap");

    assertThat(body(Responses.json(200, object))).isEqualTo("{\"kind\":\"ConfigMap\"}\n");
    assertThat(body(Responses.json(200, object, "application/json;as=Table;v=v1;g=meta.k8s.io"))).endsWith("}\n");
  }

  private static String body(HttpResponse response) {
    return ((HttpEntity.Strict) response.entity()).getData().utf8String();
  }
}
