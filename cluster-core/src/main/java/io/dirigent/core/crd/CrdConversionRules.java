package io.dirigent.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.validation.FieldError;
import io.dirigent.core.validation.NameRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code spec.conversion} as Kubernetes checks it ({@code validateCustomResourceConversion}), and
 * one rule of Dirigent's own: the {@code Webhook} strategy is refused. Dirigent's API server does
 * not call out to conversion webhooks, so a CRD relying on one would serve objects it cannot
 * convert; it is better refused at once, with the reason, than accepted and broken.
 *
 * <p>Errors name the fields as Kubernetes' internal form does ({@code webhookClientConfig}, {@code
 * conversionReviewVersions} directly under {@code spec.conversion}), so messages read the same as
 * a Kubernetes API server's.
 */
final class CrdConversionRules {

  static final String WEBHOOK_CONVERTER = "Webhook";
  static final String WEBHOOK_REFUSED =
      "Dirigent does not call conversion webhooks; only \"None\" is supported here";
  private static final List<String> STRATEGIES = List.of(CrdDefaults.NONE_CONVERTER, WEBHOOK_CONVERTER);
  private static final List<String> REVIEW_VERSIONS = List.of("v1", "v1beta1");
  private static final String NOT_WEBHOOK = "should not be set when strategy is not set to Webhook";

  private CrdConversionRules() {}

  /**
   * @param requireRecognizedReviewVersion false on an update of a CRD whose review versions
   *     already included none Kubernetes knows, so that it is not newly refused
   */
  static void conversion(JsonNode spec, boolean requireRecognizedReviewVersion,
      List<FieldError> errors) {
    JsonNode conversion = spec.path("conversion");
    if (!conversion.isObject()) {
      return;
    }
    String strategy = conversion.path("strategy").asText("");
    if (!strategy.equals(CrdDefaults.NONE_CONVERTER) && spec.path("preserveUnknownFields").asBoolean(false)) {
      errors.add(FieldError.invalid("spec.conversion.strategy", strategy,
          "must be None if spec.preserveUnknownFields is true"));
    }
    if (strategy.isEmpty()) {
      errors.add(FieldError.required("spec.conversion.strategy", ""));
    } else if (!STRATEGIES.contains(strategy)) {
      errors.add(FieldError.notSupported("spec.conversion.strategy", strategy, STRATEGIES));
    }
    JsonNode webhook = conversion.path("webhook");
    JsonNode clientConfig = webhook.path("clientConfig");
    JsonNode reviewVersions = CrdRules.list(webhook.path("conversionReviewVersions"));
    if (strategy.equals(WEBHOOK_CONVERTER)) {
      if (!clientConfig.isObject()) {
        errors.add(FieldError.required("spec.conversion.webhookClientConfig",
            "required when strategy is set to Webhook"));
      } else if (present(clientConfig.path("url")) == present(clientConfig.path("service"))) {
        errors.add(FieldError.required("spec.conversion.webhookClientConfig",
            "exactly one of url or service is required"));
      }
      reviewVersions(reviewVersions, requireRecognizedReviewVersion, errors);
      errors.add(FieldError.forbidden("spec.conversion.strategy", WEBHOOK_REFUSED));
    } else {
      if (clientConfig.isObject()) {
        errors.add(FieldError.forbidden("spec.conversion.webhookClientConfig", NOT_WEBHOOK));
      }
      if (reviewVersions.isArray() && !reviewVersions.isEmpty()) {
        errors.add(FieldError.forbidden("spec.conversion.conversionReviewVersions", NOT_WEBHOOK));
      }
    }
  }

  /** Whether the review versions of {@code spec} include one Kubernetes knows, or none at all. */
  static boolean hasRecognizedReviewVersionOrNone(JsonNode spec) {
    JsonNode versions = spec.path("conversion").path("webhook").path("conversionReviewVersions");
    if (versions.isEmpty()) {
      return true;
    }
    for (JsonNode version : versions) {
      if (REVIEW_VERSIONS.contains(version.asText())) {
        return true;
      }
    }
    return false;
  }

  private static void reviewVersions(JsonNode versions, boolean requireRecognized,
      List<FieldError> errors) {
    String path = "spec.conversion.conversionReviewVersions";
    if (versions.isEmpty()) {
      errors.add(FieldError.required(path, ""));
      return;
    }
    Set<String> seen = new HashSet<>();
    boolean recognized = false;
    List<String> all = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      String version = versions.get(i).asText("");
      all.add(version);
      if (!seen.add(version)) {
        errors.add(FieldError.invalid(path + "[" + i + "]", version, "duplicate version"));
        continue;
      }
      for (String problem : NameRules.dns1035Label(version)) {
        errors.add(FieldError.invalid(path + "[" + i + "]", version, problem));
      }
      recognized |= REVIEW_VERSIONS.contains(version);
    }
    if (requireRecognized && !recognized) {
      errors.add(FieldError.invalid(path, all.toString(), "must include at least one of v1, v1beta1"));
    }
  }

  private static boolean present(JsonNode value) {
    return !value.isMissingNode() && !value.isNull();
  }
}
