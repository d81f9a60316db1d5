package io.dirigent.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An EndpointSlice (discovery.k8s.io/v1) as Kubernetes validates it: a supported address type,
 * and endpoints each with at least one address of that type. The node proxy does not read
 * slices; the checks keep what clients read from them well formed.
 */
final class EndpointSliceRules {

  private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
  private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final int MAX_ADDRESSES = 100;

  private EndpointSliceRules() {}

  static void validate(ObjectNode slice, List<FieldError> errors) {
    String addressType = slice.path("addressType").asText("");
    if (addressType.isEmpty()) {
      errors.add(FieldError.required("addressType", ""));
    } else if (!ADDRESS_TYPES.contains(addressType)) {
      errors.add(FieldError.notSupported("addressType", addressType, ADDRESS_TYPES));
    }
    JsonNode endpoints = slice.path("endpoints");
    for (int i = 0; i < endpoints.size(); i++) {
      String path = "endpoints[" + i + "].addresses";
      JsonNode addresses = endpoints.get(i).path("addresses");
      if (addresses.size() == 0) {
        errors.add(FieldError.required(path, "must contain at least 1 address"));
      } else if (addresses.size() > MAX_ADDRESSES) {
        errors.add(FieldError.invalid(path, Integer.toString(addresses.size()), "must have at most " + MAX_ADDRESSES + " items"));
      }
      for (int j = 0; j < addresses.size() && addressType.equals("IPv4"); j++) {
        String address = addresses.get(j).asText();
        if (!IPV4.matcher(address).matches()) {
          errors.add(FieldError.invalid(path + "[" + j + "]", address, "must be a valid IPv4 address"));
        }
      }
    }
  }
}
