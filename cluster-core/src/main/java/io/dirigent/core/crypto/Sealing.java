package io.dirigent.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM sealing of bytes at rest: {@code 0x00 "dirigent:aesgcm:v1:" KEYNAME ":"}, a random
 * 12-byte nonce, then the ciphertext with its tag. The leading zero byte never starts a Jackson
 * encoding, so sealed and plain data tell themselves apart (data written before encryption was on
 * stays readable). {@code context} (e.g. the serializer's manifest) is authenticated with it: a
 * sealed value moved to another context does not open.
 */
public final class Sealing {

  private static final byte[] PREFIX = "\0dirigent:aesgcm:v1:".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final EncryptionKeys keys;

  public Sealing(EncryptionKeys keys) {
    this.keys = keys;
  }

  public static boolean isSealed(byte[] data) {
    return data.length > PREFIX.length && Arrays.equals(data, 0, PREFIX.length, PREFIX, 0, PREFIX.length);
  }

  public byte[] seal(byte[] plain, String context) {
    EncryptionKeys.Key key = keys.current();
    byte[] name = (key.name() + ":").getBytes(StandardCharsets.US_ASCII);
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = new byte[PREFIX.length + name.length + NONCE_BYTES + sealed.length];
      System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
      System.arraycopy(name, 0, out, PREFIX.length, name.length);
      System.arraycopy(nonce, 0, out, PREFIX.length + name.length, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, PREFIX.length + name.length + NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** The plain bytes of sealed {@code data}; fails when its key is not known or it was altered. */
  public byte[] open(byte[] data, String context) {
    int colon = -1;
    for (int i = PREFIX.length; i < Math.min(data.length, PREFIX.length + 40); i++) {
      if (data[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 0 || data.length < colon + 1 + NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException("sealed data is truncated");
    }
    String name = new String(data, PREFIX.length, colon - PREFIX.length, StandardCharsets.US_ASCII);
    EncryptionKeys.Key key = keys.named(name);
    if (key == null) {
      throw new IllegalArgumentException("the data was encrypted with key \"" + name + "\", which the key file does not hold");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, data, colon + 1, NONCE_BYTES));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(data, colon + 1 + NONCE_BYTES, data.length - colon - 1 - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("sealed data does not open with key \"" + name + "\": altered, or sealed for another place", e);
    }
  }
}
