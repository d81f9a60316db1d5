package io.dirigent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.auth.BootstrapTokens;
import io.dirigent.core.auth.ServiceAccountTokens;
import io.dirigent.core.auth.UserInfo;
import io.dirigent.core.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Who sent a request, as Kubernetes' authenticators decide it: a client certificate of the
 * cluster's authority (user = common name, groups = organisations), or a bearer token — one from
 * the static token file, a bootstrap token whose Secret is there and not expired, or a
 * ServiceAccount token this cluster signed whose account (and pod)
 * still exist, tried in that order. A token that is present but good for nothing is a failure
 * (401), not anonymity.
 * Over plain HTTP (loopback only, {@code --insecure-http}) a request without a token is the
 * loopback administrator's.
 */
final class Authenticator {

  /** Over plain HTTP, on loopback: whoever can reach the port is the host's administrator. */
  static final UserInfo LOOPBACK_ADMIN = UserInfo.authenticated("system:admin", "", List.of(UserInfo.MASTERS));

  /** What authentication found: a user, or that the request's credentials are good for nothing. */
  record Result(Optional<UserInfo> user, boolean failed) {
    static final Result NONE = new Result(Optional.empty(), false);
    static final Result FAILED = new Result(Optional.empty(), true);

    static Result of(UserInfo user) {
      return new Result(Optional.of(user), false);
    }
  }

  private final boolean tls;
  /** SHA-256 of each static token (hex) and its user: a map lookup does not time the token itself. */
  private final Map<String, UserInfo> staticTokens;
  private final ServiceAccountTokens serviceAccountTokens;
  private final List<String> audiences;
  private final Store store;

  Authenticator(boolean tls, Map<String, UserInfo> staticTokens, ServiceAccountTokens serviceAccountTokens, List<String> audiences, Store store) {
    this.tls = tls;
    this.staticTokens = Map.copyOf(staticTokens);
    this.serviceAccountTokens = serviceAccountTokens;
    this.audiences = List.copyOf(audiences);
    this.store = store;
  }

  CompletionStage<Result> authenticate(HttpRequest request) {
    // Kubernetes' order: a client certificate first, then a bearer token.
    Optional<io.dirigent.core.pki.ClusterPki.Identity> certificate = ApiTls.identity(request);
    if (certificate.isPresent()) {
      return CompletableFuture.completedFuture(Result.of(UserInfo.authenticated(certificate.get().user(), "", certificate.get().groups())));
    }
    Optional<String> token = request.getHeader("Authorization").map(header -> header.value().trim())
        .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7)).map(value -> value.substring(7).trim());
    if (token.isPresent()) {
      return bearer(token.get());
    }
    return CompletableFuture.completedFuture(tls ? Result.NONE : Result.of(LOOPBACK_ADMIN));
  }

  private CompletionStage<Result> bearer(String token) {
    return withoutAudiences(token).orElseGet(() -> {
      Optional<ServiceAccountTokens.Claims> claims = serviceAccountTokens.verify(token, audiences);
      if (claims.isEmpty()) {
        return CompletableFuture.completedFuture(Result.FAILED);
      }
      return stillBound(claims.get()).thenApply(bound -> bound ? Result.of(claims.get().user()) : Result.FAILED);
    });
  }

  /**
   * A token from the static file or a bootstrap token, which carry no audiences of their own;
   * empty if {@code token} is neither.
   */
  private Optional<CompletionStage<Result>> withoutAudiences(String token) {
    UserInfo known = staticTokens.get(digest(token));
    if (known != null) {
      return Optional.of(CompletableFuture.completedFuture(Result.of(known)));
    }
    Optional<String[]> bootstrap = BootstrapTokens.parse(token);
    if (bootstrap.isPresent()) {
      String id = bootstrap.get()[0];
      var secrets = store.registry().byResource("secrets").orElseThrow();
      return Optional.of(store.get(secrets, BootstrapTokens.NAMESPACE, BootstrapTokens.SECRET_PREFIX + id)
          .thenApply(secret -> BootstrapTokens.authenticate(secret, id, bootstrap.get()[1], java.time.Instant.now())
              .map(Result::of).orElse(Result.FAILED))
          .exceptionally(failure -> Result.FAILED));
    }
    return Optional.empty();
  }

  /** What a TokenReview learns of a token: whose it is, and the audiences it is good for among those asked. */
  record Reviewed(Optional<UserInfo> user, List<String> audiences) {
    static final Reviewed NOBODY = new Reviewed(Optional.empty(), List.of());
  }

  /**
   * A TokenReview's answer, as Kubernetes' TokenReview storage gives it: the token is
   * authenticated for the audiences asked ({@code asked}; none asked means this API server's).
   * A ServiceAccount token must name one of them; a token without audiences of its own (static,
   * bootstrap) is good for this API server's audiences only, as Kubernetes' audience-agnostic
   * authenticators are.
   */
  CompletionStage<Reviewed> review(String token, List<String> asked) {
    List<String> wanted = asked.isEmpty() ? audiences : List.copyOf(asked);
    Optional<CompletionStage<Result>> agnostic = withoutAudiences(token);
    if (agnostic.isPresent()) {
      List<String> ours = wanted.stream().filter(audiences::contains).toList();
      return ours.isEmpty() ? CompletableFuture.completedFuture(Reviewed.NOBODY)
          : agnostic.get().thenApply(result -> new Reviewed(result.user(), result.user().isPresent() ? ours : List.of()));
    }
    Optional<ServiceAccountTokens.Claims> claims = serviceAccountTokens.verify(token, wanted);
    if (claims.isEmpty()) {
      return CompletableFuture.completedFuture(Reviewed.NOBODY);
    }
    List<String> granted = claims.get().audiences().stream().filter(wanted::contains).toList();
    return stillBound(claims.get()).thenApply(bound -> bound ? new Reviewed(Optional.of(claims.get().user()), granted) : Reviewed.NOBODY);
  }

  /** Whether the token's account exists with the uid it names, and so does its pod (not being deleted), if it has one. */
  private CompletionStage<Boolean> stillBound(ServiceAccountTokens.Claims claims) {
    var accounts = store.registry().byResource("serviceaccounts").orElseThrow();
    CompletionStage<Boolean> account = store.get(accounts, claims.namespace(), claims.serviceAccount())
        .thenApply(found -> KubeJson.uid(found).equals(claims.serviceAccountUid()))
        .exceptionally(failure -> false);
    if (claims.podName().isEmpty()) {
      return account;
    }
    var pods = store.registry().byResource("pods").orElseThrow();
    CompletionStage<Boolean> pod = store.get(pods, claims.namespace(), claims.podName())
        .thenApply(found -> KubeJson.uid(found).equals(claims.podUid()) && !deleting(found))
        .exceptionally(failure -> false);
    return account.thenCombine(pod, Boolean::logicalAnd);
  }

  private static boolean deleting(ObjectNode pod) {
    return !KubeJson.meta(pod, "deletionTimestamp").isEmpty();
  }

  /**
   * The static token file: one line per token, {@code token,user,uid,"group1,group2"} (Kubernetes'
   * --token-auth-file); blank lines and lines starting with # are skipped.
   */
  static Map<String, UserInfo> readTokenFile(Path file) throws IOException {
    Map<String, UserInfo> tokens = new HashMap<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      List<String> fields = csv(line);
      if (fields.size() < 2 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
        throw new IOException("%s line %d: expected token,user[,uid[,\"group1,group2\"]]".formatted(file, number));
      }
      List<String> groups = fields.size() > 3 && !fields.get(3).isEmpty() ? List.of(fields.get(3).split(",")) : List.of();
      tokens.put(digest(fields.get(0)), UserInfo.authenticated(fields.get(1), fields.size() > 2 ? fields.get(2) : "",
          groups.stream().map(String::strip).filter(group -> !group.isEmpty()).toList()));
    }
    return tokens;
  }

  /** The fields of one CSV line: commas separate, double quotes enclose a field with commas ("" is a quote). */
  private static List<String> csv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        fields.add(field.toString().strip());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString().strip());
    return fields;
  }

  static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
