package io.dirigent.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import io.dirigent.core.security.PodSecurity;
import io.dirigent.core.validation.Defaults;
import io.dirigent.core.validation.ObjectValidator;
import io.dirigent.core.validation.TypeCheck;
import java.util.List;

/**
 * A request body, any bytes at all, as JSON, YAML or Kubernetes protobuf, through what the API
 * server does with it before the store: decode, type-check against the object's model, default,
 * validate, and for pods judge by every Pod Security level. Each step either passes or refuses
 * with its own error (a 400 or a 422); anything else thrown is a finding, as it would be a 500.
 */
class BodiesFuzzTest {

  private static final List<String> MEDIA_TYPES = List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf");
  private static final List<ResourceType> TYPES = List.copyOf(ResourceRegistry.builtin().all());

  @FuzzTest(maxDuration = "20s")
  void bodiesDecodeAndValidateOrAreRefused(FuzzedDataProvider data) {
    String mediaType = data.pickValue(MEDIA_TYPES);
    ResourceType type = data.pickValue(TYPES);
    ObjectNode body;
    try {
      body = RequestBodies.parse(mediaType, data.consumeRemainingAsBytes());
    } catch (RequestBodies.BodyException refused) {
      return;
    }
    if (TypeCheck.problem(type, body).isPresent()) {
      return;
    }
    Defaults.apply(type, body);
    ObjectValidator.validate(type, body, true);
    if (type.resource().equals("pods")) {
      for (PodSecurity.Level level : PodSecurity.Level.values()) {
        PodSecurity.violations(level, body.path("metadata"), body.path("spec"));
      }
    }
  }
}
