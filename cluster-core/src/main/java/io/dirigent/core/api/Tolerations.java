package io.dirigent.core.api;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Objects;

/** Kubernetes' rule for whether a toleration tolerates a taint. */
public final class Tolerations {

  private Tolerations() {}

  public static boolean tolerates(List<Toleration> tolerations, Taint taint) {
    for (Toleration toleration : tolerations) {
      if (tolerates(toleration, taint)) {
        return true;
      }
    }
    return false;
  }

  /**
   * An empty effect matches every effect; an empty key with operator Exists matches every key;
   * Exists ignores the value, Equal (the default) compares it.
   */
  public static boolean tolerates(Toleration toleration, Taint taint) {
    String effect = toleration.getEffect();
    if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) {
      return false;
    }
    String key = toleration.getKey();
    String operator = toleration.getOperator() == null || toleration.getOperator().isEmpty() ? "Equal" : toleration.getOperator();
    if (key == null || key.isEmpty()) {
      return operator.equals("Exists");
    }
    if (!key.equals(taint.getKey())) {
      return false;
    }
    return operator.equals("Exists") || Objects.equals(emptyIfNull(toleration.getValue()), emptyIfNull(taint.getValue()));
  }

  private static String emptyIfNull(String value) {
    return value == null ? "" : value;
  }
}
