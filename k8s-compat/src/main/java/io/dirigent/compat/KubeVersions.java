package io.dirigent.compat;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' order of API versions ({@code version.CompareKubeAwareVersionStrings}), which
 * decides a group's preferred version: GA before beta before alpha, a higher major version first,
 * then a higher minor one ({@code v2 > v1 > v11beta2 > v10beta3 > v3beta1 > v12alpha1 > v11alpha2}),
 * and versions that are not of that form after them all, alphabetically.
 */
final class KubeVersions {

  private static final Pattern KUBE = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  /** Highest priority first. */
  static final Comparator<String> PRIORITY = KubeVersions::compare;

  private KubeVersions() {}

  private static int compare(String a, String b) {
    Matcher left = KUBE.matcher(a);
    Matcher right = KUBE.matcher(b);
    boolean kubeLeft = left.matches();
    boolean kubeRight = right.matches();
    if (!kubeLeft || !kubeRight) {
      return kubeLeft ? -1 : kubeRight ? 1 : a.compareTo(b);
    }
    int stability = Integer.compare(stability(right.group(2)), stability(left.group(2)));
    if (stability != 0) {
      return stability;
    }
    int major = compareNumbers(right.group(1), left.group(1));
    if (major != 0 || left.group(3) == null) {
      return major;
    }
    return compareNumbers(right.group(3), left.group(3));
  }

  private static int stability(String qualifier) {
    return qualifier == null ? 2 : qualifier.equals("beta") ? 1 : 0;
  }

  /** Digits of any length, compared as numbers. */
  private static int compareNumbers(String a, String b) {
    String x = a.replaceFirst("^0+(?=.)", "");
    String y = b.replaceFirst("^0+(?=.)", "");
    return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
  }
}
