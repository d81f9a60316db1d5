package io.dirigent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.ServiceAccountTokens;
import io.dirigent.core.store.Store;
import io.dirigent.core.store.StoreError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The TokenRequest API ({@code POST .../serviceaccounts/NAME/token}): a signed, expiring token
 * for the account, optionally bound to a pod (it stops working when the pod goes), for the
 * audiences asked (the API server's by default).
 */
final class TokenRequests {

  private final Store store;
  private final ServiceAccountTokens tokens;

  TokenRequests(Store store, ServiceAccountTokens tokens) {
    this.store = store;
    this.tokens = tokens;
  }

  CompletionStage<ObjectNode> create(ApiPath path, ObjectNode request) {
    JsonNode spec = request.path("spec");
    JsonNode expiration = spec.path("expirationSeconds");
    JsonNode audienceList = spec.path("audiences");
    JsonNode boundRef = spec.path("boundObjectRef");
    if (!(expiration.isMissingNode() || expiration.isNull() || expiration.canConvertToExactIntegral() && expiration.isNumber())
        || !(audienceList.isMissingNode() || audienceList.isNull() || audienceList.isArray() && allText(audienceList))
        || !(boundRef.isMissingNode() || boundRef.isNull() || boundRef.isObject())) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "TokenRequest in version \"v1\" cannot be handled as a TokenRequest: "
          + "spec.expirationSeconds is a number of seconds, spec.audiences a list of strings, spec.boundObjectRef an object").toException();
    }
    long seconds = expiration.asLong(ServiceAccountTokens.DEFAULT_EXPIRATION.toSeconds());
    if (seconds < ServiceAccountTokens.MIN_EXPIRATION.toSeconds()) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "spec.expirationSeconds: may not specify a duration less than 10 minutes").toException();
    }
    Duration lifetime = Duration.ofSeconds(Math.min(seconds, ServiceAccountTokens.MAX_EXPIRATION.toSeconds()));
    List<String> audiences = new ArrayList<>();
    spec.path("audiences").forEach(audience -> audiences.add(audience.asText()));
    if (audiences.isEmpty()) {
      audiences.add(ServiceAccountTokens.ISSUER);
    }
    JsonNode bound = spec.path("boundObjectRef");
    String podName = bound.path("name").asText("");
    if (bound.isObject() && !"Pod".equals(bound.path("kind").asText())) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "spec.boundObjectRef.kind: Unsupported value: \"%s\": supported values: \"Pod\""
          .formatted(bound.path("kind").asText())).toException();
    }
    var accounts = store.registry().byResource("serviceaccounts").orElseThrow();
    return store.get(accounts, path.namespace(), path.name()).thenCompose(account -> {
      if (podName.isEmpty()) {
        return CompletableFuture.completedFuture(answer(request, account, "", "", audiences, lifetime));
      }
      return store.get(store.registry().byResource("pods").orElseThrow(), path.namespace(), podName).thenApply(pod -> {
        String wantedUid = bound.path("uid").asText("");
        if (!wantedUid.isEmpty() && !wantedUid.equals(KubeJson.uid(pod))) {
          throw StoreError.of(StoreError.Reason.CONFLICT, "the UID in the bound object reference (%s) does not match the pod's. The object might have been deleted and then recreated"
              .formatted(wantedUid)).toException();
        }
        String runsAs = pod.path("spec").path("serviceAccountName").asText("default");
        if (!runsAs.equals(path.name())) {
          throw StoreError.of(StoreError.Reason.BAD_REQUEST, "cannot bind a token of service account %s to pod %s, which runs as %s"
              .formatted(path.name(), podName, runsAs)).toException();
        }
        return answer(request, account, podName, KubeJson.uid(pod), audiences, lifetime);
      });
    });
  }

  private static boolean allText(JsonNode list) {
    for (JsonNode item : list) {
      if (!item.isTextual() || item.asText().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private ObjectNode answer(ObjectNode request, ObjectNode account, String podName, String podUid, List<String> audiences, Duration lifetime) {
    Instant expires = Instant.now().plus(lifetime);
    String token = tokens.issue(new ServiceAccountTokens.Claims(KubeJson.namespace(account), KubeJson.name(account), KubeJson.uid(account),
        podName, podUid, audiences, expires));
    ObjectNode answer = request.deepCopy();
    answer.put("kind", "TokenRequest").put("apiVersion", "authentication.k8s.io/v1");
    ObjectNode metadata = answer.putObject("metadata").put("name", KubeJson.name(account)).put("namespace", KubeJson.namespace(account));
    metadata.put("creationTimestamp", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    ObjectNode spec = answer.path("spec").isObject() ? (ObjectNode) answer.get("spec") : answer.putObject("spec");
    var audienceArray = spec.putArray("audiences");
    audiences.forEach(audienceArray::add);
    spec.put("expirationSeconds", lifetime.toSeconds());
    answer.putObject("status").put("token", token)
        .put("expirationTimestamp", expires.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    return answer;
  }
}
