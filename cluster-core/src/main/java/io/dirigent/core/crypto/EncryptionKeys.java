package io.dirigent.core.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that encrypt objects at rest, in a file readable by its owner only (Kubernetes'
 * EncryptionConfiguration, reduced to what it needs): one {@code name:base64} AES-256 key per
 * line, the first encrypting every new write, all of them decrypting, so that data written under
 * an older key stays readable after a rotation.
 */
public final class EncryptionKeys {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][-a-z0-9]{0,31}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEY_BYTES = 32;

  /** A named key. */
  public record Key(String name, SecretKey key) {}

  private final List<Key> keys;
  private final Map<String, Key> byName;

  private EncryptionKeys(List<Key> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no encryption key");
    }
    this.keys = List.copyOf(keys);
    Map<String, Key> named = new LinkedHashMap<>();
    keys.forEach(key -> named.put(key.name(), key));
    this.byName = Map.copyOf(named);
  }

  /** The keys in {@code file}, made there (one new key) when there is no such file yet. */
  public static EncryptionKeys loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      write(file, List.of(newKey(newName())));
    }
    List<Key> keys = new ArrayList<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon).strip();
      byte[] bytes;
      try {
        bytes = colon < 0 ? new byte[0] : Base64.getDecoder().decode(line.substring(colon + 1).strip());
      } catch (IllegalArgumentException e) {
        bytes = new byte[0];
      }
      if (!NAME.matcher(name).matches() || bytes.length != KEY_BYTES) {
        throw new IOException("%s line %d: expected NAME:BASE64 with a 32-byte key and a name of lower-case letters, digits and '-'"
            .formatted(file, number));
      }
      keys.add(new Key(name, new SecretKeySpec(bytes, "AES")));
    }
    if (keys.isEmpty()) {
      throw new IOException(file + " holds no key");
    }
    return new EncryptionKeys(keys);
  }

  /**
   * Puts a new key first in {@code file}: new writes are encrypted with it from the next start;
   * the older keys stay to read what they encrypted. Answers the new key's name.
   */
  public static String rotate(Path file) throws IOException {
    EncryptionKeys current = loadOrCreate(file);
    String name = newName();
    while (current.byName.containsKey(name)) {
      name = newName();
    }
    List<Key> keys = new ArrayList<>();
    keys.add(newKey(name));
    keys.addAll(current.keys);
    write(file, keys);
    return name;
  }

  /** The key new data is encrypted with. */
  public Key current() {
    return keys.get(0);
  }

  /** The key of that name, or null. */
  public Key named(String name) {
    return byName.get(name);
  }

  /** When it was made, and a random part: names of keys made apart do not meet. */
  private static String newName() {
    return "key-" + Long.toString(System.currentTimeMillis() / 1000, 36) + "-" + Integer.toString(RANDOM.nextInt(36 * 36 * 36 * 36), 36);
  }

  private static Key newKey(String name) {
    byte[] bytes = new byte[KEY_BYTES];
    RANDOM.nextBytes(bytes);
    return new Key(name, new SecretKeySpec(bytes, "AES"));
  }

  private static void write(Path file, List<Key> keys) throws IOException {
    Files.createDirectories(file.getParent());
    StringBuilder text = new StringBuilder("# Dirigent's keys for objects at rest: the first encrypts, all decrypt. Keep this file\n"
        + "# secret, back it up with the store, and copy it to every control-plane member.\n");
    for (Key key : keys) {
      text.append(key.name()).append(':').append(Base64.getEncoder().encodeToString(key.key().getEncoded())).append('\n');
    }
    Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // A file system without POSIX permissions: nothing to narrow.
      }
      Files.writeString(temporary, text, StandardCharsets.US_ASCII);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
