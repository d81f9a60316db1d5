package io.dirigent.core.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every known field of an object has the type the API says: a list is a list, a port is a number,
 * a name is a string — checked by reading the object into its model class, as every reader of it
 * will, without the conversions a lenient reader allows ({@code "3"} for a number, {@code 3} for a
 * string). An object that passes can be read by the scheduler, the controllers and the agents; one
 * that does not is refused at its write, as Kubernetes refuses what it cannot decode.
 */
public final class TypeCheck {

  private static final ObjectMapper STRICT = strict();

  private TypeCheck() {}

  private static ObjectMapper strict() {
    @SuppressWarnings("deprecation")
    ObjectMapper mapper = KubeJson.MAPPER.copy()
        .configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false)
        .configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, false)
        // Go refuses 1.5 for an integer field; Jackson would drop the fraction.
        .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);
    for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    // fabric8 reads any string as a Quantity; Kubernetes refuses at decoding what is none.
    mapper.addMixIn(Quantity.class, StrictQuantity.class);
    return mapper;
  }

  @JsonDeserialize(using = QuantityReader.class)
  private abstract static class StrictQuantity {}

  /** A quantity as Kubernetes decodes one: a string or a number that parses, or an error. */
  private static final class QuantityReader extends StdDeserializer<Quantity> {
    QuantityReader() {
      super(Quantity.class);
    }

    @Override
    public Quantity deserialize(JsonParser parser, DeserializationContext context) throws java.io.IOException {
      if (!parser.currentToken().isScalarValue() || parser.currentToken() == JsonToken.VALUE_NULL) {
        return (Quantity) context.handleUnexpectedToken(Quantity.class, parser);
      }
      String text = parser.getText();
      if (Quantities.amount(text).isEmpty()) {
        throw JsonMappingException.from(parser, Quantities.FORMAT_ERROR);
      }
      return new Quantity(text);
    }
  }

  /** Why {@code object} cannot be read as {@code type}'s model, naming the field; empty when it can. */
  public static Optional<String> problem(ResourceType type, JsonNode object) {
    Optional<String> problem = problem(type.javaType(), object);
    if (problem.isPresent()) {
      return problem;
    }
    // Bytes travel as base64 (Go's []byte): what does not decode is refused when it is read.
    String bytesField = switch (type.kind()) {
      case "Secret" -> "data";
      case "ConfigMap" -> "binaryData";
      default -> null;
    };
    if (bytesField != null) {
      for (var entry : (Iterable<Map.Entry<String, JsonNode>>) () -> object.path(bytesField).fields()) {
        Optional<String> bad = base64Problem(entry.getValue().asText());
        if (bad.isPresent()) {
          return Optional.of("%s.%s: %s".formatted(bytesField, entry.getKey(), bad.get()));
        }
      }
    }
    return Optional.empty();
  }

  /** Why {@code text} is not standard base64, in Go's words; empty when it is. */
  static Optional<String> base64Problem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
      if (!alphabet) {
        return Optional.of("illegal base64 data at input byte " + i);
      }
    }
    try {
      java.util.Base64.getDecoder().decode(text);
      return text.length() % 4 == 0 ? Optional.empty() : Optional.of("illegal base64 data at input byte " + text.length());
    } catch (IllegalArgumentException e) {
      return Optional.of("illegal base64 data at input byte " + Math.max(0, text.indexOf('=')));
    }
  }

  /** Why {@code object} cannot be read as {@code model} (DeleteOptions, say); empty when it can. */
  public static Optional<String> problem(Class<?> model, JsonNode object) {
    try {
      STRICT.treeToValue(object, model);
      return Optional.empty();
    } catch (MismatchedInputException e) {
      String path = path(e.getPath());
      JsonNode value = at(object, e.getPath());
      return Optional.of("%s: cannot unmarshal %s into a field of type %s".formatted(path.isEmpty() ? "the object" : path,
          describe(value), expected(e.getTargetType())));
    } catch (JsonMappingException e) {
      String path = path(e.getPath());
      return Optional.of("%s: %s".formatted(path.isEmpty() ? "the object" : path, firstLine(e.getOriginalMessage())));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Optional.of(firstLine(e.getMessage()));
    }
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static JsonNode at(JsonNode object, List<JsonMappingException.Reference> references) {
    JsonNode node = object;
    for (JsonMappingException.Reference reference : references) {
      node = reference.getFieldName() != null ? node.path(reference.getFieldName()) : node.path(reference.getIndex());
    }
    return node;
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isNumber()) {
      // As Go's decoder: the number itself, which says why it does not fit.
      return "number " + value.asText();
    }
    if (value.isBoolean()) {
      return "bool";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isObject()) {
      return "object";
    }
    return value.isNull() ? "null" : "value";
  }

  private static String expected(Class<?> target) {
    if (target == null) {
      return "another type";
    }
    if (Collection.class.isAssignableFrom(target) || target.isArray()) {
      return "array";
    }
    if (Map.class.isAssignableFrom(target)) {
      return "object";
    }
    if (target == String.class) {
      return "string";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "bool";
    }
    if (target == Integer.class || target == int.class || target == Long.class || target == long.class
        || target == Short.class || target == short.class) {
      return "integer";
    }
    if (Number.class.isAssignableFrom(target) || target.isPrimitive()) {
      return "number";
    }
    return target.getSimpleName() + " (an object)";
  }

  private static String firstLine(String message) {
    return message == null ? "unreadable" : message.lines().findFirst().orElse(message);
  }
}
