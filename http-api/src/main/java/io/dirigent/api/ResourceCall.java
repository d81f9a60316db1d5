package io.dirigent.api;

import io.dirigent.core.auth.UserInfo;
import io.dirigent.core.store.StoreError;
import io.dirigent.core.store.WriteOptions;
import java.util.List;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Query;

/**
 * A request on a resource path as every verb reads it, carried as the request's attribute: the
 * path taken apart, who sent it, the options its writes carry (dryRun, and the user each write is
 * recorded as in the object's history) and its query.
 */
record ResourceCall(ApiPath path, UserInfo user, WriteOptions options, Query query) {

  static final AttributeKey<ResourceCall> KEY = AttributeKey.create("dirigent-resource-call", ResourceCall.class);

  /** The call ResourceRoutes attached to {@code request} before any verb runs. */
  static ResourceCall of(HttpRequest request) {
    return request.getAttribute(KEY).orElseThrow(() -> new IllegalStateException("a resource verb without its ResourceCall"));
  }

  /**
   * Reads the call of {@code request} on {@code path}. dryRun means nothing to a read; on
   * anything else a bad value is refused here, before the path's methods are looked at.
   */
  static ResourceCall read(HttpRequest request, ApiPath path, UserInfo user) {
    Query query = request.getUri().query();
    WriteOptions options = request.method().equals(HttpMethods.GET) ? WriteOptions.by(user.name()) : writeOptions(query.getAll("dryRun"), user);
    return new ResourceCall(path, user, options, query);
  }

  /** The writes of {@code user} with the dryRun values the request carries (query or DeleteOptions). */
  static WriteOptions writeOptions(List<String> dryRunValues, UserInfo user) {
    WriteOptions options = WriteOptions.by(user.name());
    return dryRun(dryRunValues) ? options.asDryRun() : options;
  }

  private static boolean dryRun(List<String> values) {
    for (String value : values) {
      if (value.equals("All")) {
        return true;
      }
      if (!value.isEmpty()) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "unsupported dryRun value \"%s\": only All is supported".formatted(value)).toException();
      }
    }
    return false;
  }
}
