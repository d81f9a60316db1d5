package io.dirigent.api;

import io.dirigent.compat.Tables;
import io.dirigent.core.store.ObjectFilter;
import io.dirigent.core.store.StoreError;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Query;

/** The query parameters and headers of Kubernetes requests, read with the errors Kubernetes gives. */
final class QueryParams {

  private QueryParams() {}

  static boolean flag(Query query, String name) {
    String value = query.get(name).orElse("false").toLowerCase(Locale.ROOT);
    return value.equals("true") || value.equals("1");
  }

  static int intParam(Query query, String name) {
    Optional<String> value = query.get(name).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return 0;
    }
    long parsed = parseLong(value.get());
    if (parsed < 0 || parsed > Integer.MAX_VALUE) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "%s must be a non-negative integer: %s".formatted(name, value.get())).toException();
    }
    return (int) parsed;
  }

  static long parseLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, "not an integer: " + value).toException();
    }
  }

  /**
   * Checks a list's {@code resourceVersion} and {@code resourceVersionMatch} as Kubernetes does:
   * a version is a non-negative integer, and a match is Exact or NotOlderThan with a version.
   * (Lists are served from the current state, which satisfies either.)
   */
  static void listVersion(Query query) {
    Optional<String> version = query.get("resourceVersion").filter(v -> !v.isEmpty());
    version.ifPresent(v -> {
      if (!v.chars().allMatch(Character::isDigit) || v.length() > 19) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "invalid resource version: \"%s\"".formatted(v)).toException();
      }
    });
    String match = query.get("resourceVersionMatch").orElse("");
    if (!match.isEmpty()) {
      if (!match.equals("Exact") && !match.equals("NotOlderThan")) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST,
            "resourceVersionMatch: Unsupported value: \"%s\": supported values: \"Exact\", \"NotOlderThan\"".formatted(match)).toException();
      }
      if (version.isEmpty()) {
        throw StoreError.of(StoreError.Reason.BAD_REQUEST, "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided").toException();
      }
    }
  }

  static ObjectFilter filter(ApiPath path, Query query) {
    String fields = query.get("fieldSelector").orElse("");
    if (path.name() != null) {
      // A watch on one object is a watch on its collection, selecting it by name.
      String byName = "metadata.name=" + path.name();
      fields = fields.isEmpty() ? byName : fields + "," + byName;
    }
    return new ObjectFilter(path.namespace(), query.get("labelSelector").orElse(""), fields);
  }

  /** The Table version the Accept header asks for, if it asks for one. */
  static Optional<Tables.Version> table(HttpRequest request) {
    return Tables.negotiate(request.getHeader("Accept").map(header -> header.value()).orElse(null));
  }

  static Tables.IncludeObject includeObject(Query query) {
    try {
      return Tables.IncludeObject.parse(query.get("includeObject").orElse(""));
    } catch (IllegalArgumentException e) {
      throw StoreError.of(StoreError.Reason.BAD_REQUEST, e.getMessage()).toException();
    }
  }
}
