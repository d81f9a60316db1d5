package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' bootstrap tokens ({@code abcdef.0123456789abcdef}): a Secret
 * {@code bootstrap-token-ID} of type {@code bootstrap.kubernetes.io/token} in {@code kube-system}
 * holds the secret part, an expiry and what the token may be used for. A token authenticates as
 * {@code system:bootstrap:ID} in {@code system:bootstrappers} until it expires or its Secret is
 * deleted (revoked). Joining members use one to get their certificate.
 */
public final class BootstrapTokens {

  public static final String NAMESPACE = "kube-system";
  public static final String SECRET_PREFIX = "bootstrap-token-";
  public static final String TYPE = "bootstrap.kubernetes.io/token";
  public static final String GROUP = "system:bootstrappers";
  private static final Pattern TOKEN = Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{16})");
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new token and the Secret that makes it good. */
  public record Created(String token, ObjectNode secret) {}

  private BootstrapTokens() {}

  /** The token's id and secret part, if {@code token} has a bootstrap token's form. */
  public static Optional<String[]> parse(String token) {
    Matcher matcher = TOKEN.matcher(token);
    return matcher.matches() ? Optional.of(new String[] {matcher.group(1), matcher.group(2)}) : Optional.empty();
  }

  /** A new random token valid for {@code ttl} from {@code now}, for authenticating (joining). */
  public static Created create(Duration ttl, String description, Instant now) {
    String id = random(6);
    String secret = random(16);
    ObjectNode object = KubeJson.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Secret").put("type", TYPE);
    object.putObject("metadata").put("name", SECRET_PREFIX + id).put("namespace", NAMESPACE);
    ObjectNode data = object.putObject("data");
    data.put("token-id", base64(id));
    data.put("token-secret", base64(secret));
    data.put("expiration", base64(now.plus(ttl).truncatedTo(ChronoUnit.SECONDS).toString()));
    data.put("usage-bootstrap-authentication", base64("true"));
    data.put("description", base64(description));
    return new Created(id + "." + secret, object);
  }

  /**
   * The user {@code secretObject} makes of a token with {@code id} and {@code secretPart} at
   * {@code now}: empty when it is no bootstrap token Secret, the secret part differs, it is not for
   * authentication, or it expired.
   */
  public static Optional<UserInfo> authenticate(ObjectNode secretObject, String id, String secretPart, Instant now) {
    if (!TYPE.equals(secretObject.path("type").asText()) || !KubeJson.name(secretObject).equals(SECRET_PREFIX + id)) {
      return Optional.empty();
    }
    JsonNode data = secretObject.path("data");
    if (!MessageDigest.isEqual(decode(data, "token-secret").getBytes(StandardCharsets.UTF_8), secretPart.getBytes(StandardCharsets.UTF_8))
        || !id.equals(decode(data, "token-id")) || !"true".equals(decode(data, "usage-bootstrap-authentication"))) {
      return Optional.empty();
    }
    String expiration = decode(data, "expiration");
    if (!expiration.isEmpty()) {
      try {
        if (!now.isBefore(Instant.parse(expiration))) {
          return Optional.empty();
        }
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    List<String> groups = new ArrayList<>(List.of(GROUP));
    for (String extra : decode(data, "auth-extra-groups").split(",")) {
      // Only groups under system:bootstrappers: a token's Secret cannot make its holder anyone else.
      if (extra.strip().startsWith(GROUP + ":")) {
        groups.add(extra.strip());
      }
    }
    return Optional.of(UserInfo.authenticated("system:bootstrap:" + id, "", groups));
  }

  private static String decode(JsonNode data, String key) {
    try {
      return new String(Base64.getDecoder().decode(data.path(key).asText("")), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String random(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return text.toString();
  }
}
