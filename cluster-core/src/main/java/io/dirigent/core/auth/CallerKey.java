package io.dirigent.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key with which control-plane members name the store's callers: a {@link Caller}'s proof is
 * the HMAC-SHA256 of its user and groups under this key. The key lives in the PKI directory,
 * owner-only, and is the same on every control-plane member (copied with the authority); workers
 * never hold it, only the credential made for them when they joined.
 */
public final class CallerKey {

  public static final String FILE = "caller.key";
  public static final String CREDENTIAL_FILE = "member.credential";
  private static final int KEY_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";
  /** Proofs already checked: the callers are few (components and nodes), and this spares a MAC per command. */
  private static final int VERIFIED_MAX = 10_000;

  private final SecretKeySpec key;
  private final Map<Caller, Boolean> verified = new ConcurrentHashMap<>();

  private CallerKey(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  /** A key of its own, for tests. */
  public static CallerKey random() {
    byte[] bytes = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new CallerKey(bytes);
  }

  /** The key in {@code file}, made there when there is none yet. */
  public static CallerKey loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      ClusterPki.write(file, Base64.getEncoder().encodeToString(random().key.getEncoded()) + "\n", true);
    }
    return load(file);
  }

  /** The key in {@code file}; IOException when it is not one. */
  public static CallerKey load(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != KEY_BYTES) {
      throw new IOException(file + " does not hold a caller key (base64 of 32 bytes)");
    }
    return new CallerKey(bytes);
  }

  /** {@code user} with {@code groups}, proven. */
  public Caller sign(String user, List<String> groups) {
    return new Caller(user, groups, mac(user, groups));
  }

  /** The agent of node {@code nodeName}. */
  public Caller node(String nodeName) {
    return sign(Caller.NODE_PREFIX + nodeName, List.of(Caller.NODES));
  }

  /** Whether {@code caller}'s proof is this key's for its user and groups. */
  public boolean verify(Caller caller) {
    if (caller == null || caller.proof().isEmpty()) {
      return false;
    }
    if (verified.containsKey(caller)) {
      return true;
    }
    boolean valid = MessageDigest.isEqual(
        mac(caller.user(), caller.groups()).getBytes(StandardCharsets.US_ASCII), caller.proof().getBytes(StandardCharsets.US_ASCII));
    if (valid && verified.size() < VERIFIED_MAX) {
      verified.put(caller, Boolean.TRUE);
    }
    return valid;
  }

  private String mac(String user, List<String> groups) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      // Lengths first, so that no two (user, groups) pairs share an encoding.
      StringBuilder text = new StringBuilder().append(user.length()).append(':').append(user);
      for (String group : groups) {
        text.append('\n').append(group.length()).append(':').append(group);
      }
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Writes {@code caller} to {@code file}, owner-only: a worker's credential. */
  public static void writeCredential(Path file, Caller caller) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    ClusterPki.write(file, toJson(caller).toString() + "\n", true);
  }

  /** The credential in {@code file}; IOException when it is not one. */
  public static Caller readCredential(Path file) throws IOException {
    try {
      return fromJson(KubeJson.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + " does not hold a member credential: " + e.getMessage());
    }
  }

  public static ObjectNode toJson(Caller caller) {
    ObjectNode json = KubeJson.MAPPER.createObjectNode().put("user", caller.user());
    caller.groups().forEach(json.putArray("groups")::add);
    return json.put("proof", caller.proof());
  }

  /** The caller {@code json} describes; IllegalArgumentException when it is not one. */
  public static Caller fromJson(JsonNode json) {
    if (json == null || !json.path("user").isTextual() || !json.path("groups").isArray() || !json.path("proof").isTextual()) {
      throw new IllegalArgumentException("expected {\"user\": ..., \"groups\": [...], \"proof\": ...}");
    }
    List<String> groups = new ArrayList<>();
    json.path("groups").forEach(group -> groups.add(group.asText()));
    return new Caller(json.path("user").asText(), groups, json.path("proof").asText());
  }
}
