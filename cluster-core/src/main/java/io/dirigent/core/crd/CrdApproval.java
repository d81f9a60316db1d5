package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Kubernetes' API approval rule ({@code validateAPIApproval}): a CRD in a group Kubernetes keeps
 * for its own APIs ({@code k8s.io}, {@code kubernetes.io} and their subdomains) carries the {@code
 * api-approved.kubernetes.io} annotation, linking to the approval or starting with {@code
 * unapproved}. An update that leaves the annotation's state as it was is never refused for it.
 */
final class CrdApproval {

  static final String APPROVAL_ANNOTATION = "api-approved.kubernetes.io";

  private CrdApproval() {}

  static void validate(ObjectNode crd, ObjectNode old, List<FieldError> errors) {
    String group = crd.path("spec").path("group").asText("");
    if (!group.equals("k8s.io") && !group.endsWith(".k8s.io")
        && !group.equals("kubernetes.io") && !group.endsWith(".kubernetes.io")) {
      return;
    }
    ApprovalState state = ApprovalState.of(crd);
    if (old != null && ApprovalState.of(old) == state) {
      return;
    }
    String path = "metadata.annotations[" + APPROVAL_ANNOTATION + "]";
    String see = ", see https://github.com/kubernetes/enhancements/pull/1111";
    switch (state) {
      case MISSING -> errors.add(FieldError.required(path,
          "protected groups must have approval annotation \"" + APPROVAL_ANNOTATION + "\"" + see));
      case INVALID -> errors.add(FieldError.invalid(path,
          crd.path("metadata").path("annotations").path(APPROVAL_ANNOTATION).asText(),
          "protected groups must have approval annotation \"" + APPROVAL_ANNOTATION
              + "\" with either a URL or a reason starting with \"unapproved\"" + see));
      default -> { }
    }
  }

  private enum ApprovalState {
    MISSING, INVALID, APPROVED, BYPASSED;

    static ApprovalState of(JsonNode crd) {
      String value = crd.path("metadata").path("annotations").path(APPROVAL_ANNOTATION).asText("");
      if (value.isEmpty()) {
        return MISSING;
      }
      if (value.startsWith("unapproved")) {
        return BYPASSED;
      }
      try {
        // As Kubernetes: a URL that parses as a request URI and names a scheme and a host.
        URI uri = new URI(value);
        return uri.getScheme() != null && uri.getHost() != null ? APPROVED : INVALID;
      } catch (URISyntaxException e) {
        return INVALID;
      }
    }
  }
}
