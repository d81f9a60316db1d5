package io.dirigent.api;

import io.dirigent.core.auth.UserInfo;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * What the front of the API server learnt about a request before it is routed, carried as the
 * request's attribute: who sent it (authenticated and authorized by then) and the resource path
 * it names, if it names one.
 *
 * @param user who sent the request
 * @param resource the resource path, parsed once against the registry; empty outside the resources
 */
record ApiCall(UserInfo user, Optional<ApiPath> resource) {

  static final AttributeKey<ApiCall> KEY = AttributeKey.create("dirigent-api-call", ApiCall.class);

  /** The call ApiServer attached to {@code request} before routing it. */
  static ApiCall of(HttpRequest request) {
    return request.getAttribute(KEY).orElseThrow(() -> new IllegalStateException("a request routed without its ApiCall"));
  }
}
