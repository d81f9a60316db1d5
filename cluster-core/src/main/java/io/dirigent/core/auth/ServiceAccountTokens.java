package io.dirigent.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * ServiceAccount tokens as Kubernetes' TokenRequest API makes them: JWTs signed by the cluster
 * (ES256), naming the account (and the pod they are bound to), for some audiences, expiring. The
 * signature and times are checked here; that the account and the pod still exist with the uids
 * the token names is the caller's to check against the store.
 */
public final class ServiceAccountTokens {

  /** The issuer and default audience, as Kubernetes clusters name themselves by default. */
  public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
  public static final Duration DEFAULT_EXPIRATION = Duration.ofHours(1);
  /** Kubernetes refuses shorter tokens. */
  public static final Duration MIN_EXPIRATION = Duration.ofMinutes(10);
  public static final Duration MAX_EXPIRATION = Duration.ofDays(2);
  private static final String CLAIM = "kubernetes.io";

  /** What a token names. {@code podName} and {@code podUid} are empty for a token bound to no pod. */
  public record Claims(String namespace, String serviceAccount, String serviceAccountUid, String podName, String podUid,
      List<String> audiences, Instant expires) {

    public UserInfo user() {
      return UserInfo.serviceAccount(namespace, serviceAccount, serviceAccountUid);
    }
  }

  private final ECDSASigner signer;
  private final ECDSAVerifier verifier;
  private final Clock clock;

  public ServiceAccountTokens(KeyPair key, Clock clock) {
    try {
      this.signer = new ECDSASigner((ECPrivateKey) key.getPrivate());
      this.verifier = new ECDSAVerifier((ECPublicKey) key.getPublic());
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the ServiceAccount signing key is not a P-256 key: " + e.getMessage(), e);
    }
    this.clock = clock;
  }

  /** A token for {@code claims} (its expiry included), signed. */
  public String issue(Claims claims) {
    Instant now = clock.instant();
    Map<String, Object> account = Map.of("name", claims.serviceAccount(), "uid", claims.serviceAccountUid());
    Map<String, Object> kubernetes = claims.podName().isEmpty()
        ? Map.of("namespace", claims.namespace(), "serviceaccount", account)
        : Map.of("namespace", claims.namespace(), "serviceaccount", account, "pod", Map.of("name", claims.podName(), "uid", claims.podUid()));
    JWTClaimsSet set = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(UserInfo.SERVICE_ACCOUNT_PREFIX + claims.namespace() + ":" + claims.serviceAccount())
        .audience(claims.audiences())
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(claims.expires()))
        .jwtID(UUID.randomUUID().toString())
        .claim(CLAIM, kubernetes)
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), set);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a ServiceAccount token failed", e);
    }
    return jwt.serialize();
  }

  /**
   * What {@code token} names, if this cluster signed it, it is within its times and it is meant
   * for one of {@code audiences}; empty otherwise (it is not a ServiceAccount token of this
   * cluster, or no longer good).
   */
  public Optional<Claims> verify(String token, List<String> audiences) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet set = jwt.getJWTClaimsSet();
      Instant now = clock.instant();
      if (!ISSUER.equals(set.getIssuer()) || set.getExpirationTime() == null || !now.isBefore(set.getExpirationTime().toInstant())
          || (set.getNotBeforeTime() != null && now.isBefore(set.getNotBeforeTime().toInstant().minusSeconds(60)))
          || set.getAudience().stream().noneMatch(audiences::contains)) {
        return Optional.empty();
      }
      Map<String, Object> kubernetes = set.getJSONObjectClaim(CLAIM);
      if (kubernetes == null || !(kubernetes.get("serviceaccount") instanceof Map<?, ?> account)) {
        return Optional.empty();
      }
      Map<?, ?> pod = kubernetes.get("pod") instanceof Map<?, ?> bound ? bound : Map.of();
      return Optional.of(new Claims(text(kubernetes.get("namespace")), text(account.get("name")), text(account.get("uid")),
          text(pod.get("name")), text(pod.get("uid")), List.copyOf(set.getAudience()), set.getExpirationTime().toInstant()));
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String text(Object value) {
    return value instanceof String text ? text : "";
  }
}
