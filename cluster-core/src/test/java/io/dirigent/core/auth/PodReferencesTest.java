package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dirigent.core.api.KubeJson;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodReferencesTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("a secret volume refers to its Secret", "{\"volumes\":[{\"name\":\"v\",\"secret\":{\"secretName\":\"s\"}}]}", "secrets", "s", true),
        arguments("a secret volume refers to no other Secret", "{\"volumes\":[{\"name\":\"v\",\"secret\":{\"secretName\":\"s\"}}]}", "secrets", "t", false),
        arguments("a projected secret source refers to its Secret",
            "{\"volumes\":[{\"name\":\"v\",\"projected\":{\"sources\":[{\"secret\":{\"name\":\"s\"}}]}}]}", "secrets", "s", true),
        arguments("an env secretKeyRef refers to its Secret",
            "{\"containers\":[{\"name\":\"a\",\"env\":[{\"name\":\"E\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s\",\"key\":\"k\"}}}]}]}", "secrets", "s", true),
        arguments("an init container's envFrom refers to its Secret",
            "{\"initContainers\":[{\"name\":\"a\",\"envFrom\":[{\"secretRef\":{\"name\":\"s\"}}]}]}", "secrets", "s", true),
        arguments("an image pull secret is a reference", "{\"imagePullSecrets\":[{\"name\":\"s\"}]}", "secrets", "s", true),
        arguments("a ConfigMap named like a Secret is no reference to the Secret",
            "{\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"s\"}}]}", "secrets", "s", false),
        arguments("a configMap volume refers to its ConfigMap", "{\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"c\"}}]}", "configmaps", "c", true),
        arguments("the token volume's kube-root-ca.crt is a reference",
            "{\"volumes\":[{\"name\":\"t\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"path\":\"token\"}},{\"configMap\":{\"name\":\"kube-root-ca.crt\"}}]}}]}",
            "configmaps", "kube-root-ca.crt", true),
        arguments("an env configMapKeyRef refers to its ConfigMap",
            "{\"containers\":[{\"name\":\"a\",\"env\":[{\"name\":\"E\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"c\",\"key\":\"k\"}}}]}]}", "configmaps", "c", true),
        arguments("a claim volume refers to its claim",
            "{\"volumes\":[{\"name\":\"v\",\"persistentVolumeClaim\":{\"claimName\":\"data\"}}]}", "persistentvolumeclaims", "data", true),
        arguments("a pod without an account refers to the default one", "{}", "serviceaccounts", "default", true),
        arguments("a pod refers to its own account only", "{\"serviceAccountName\":\"robot\"}", "serviceaccounts", "default", false),
        arguments("a pod refers to no other kind", "{\"volumes\":[{\"name\":\"v\",\"secret\":{\"secretName\":\"s\"}}]}", "deployments", "s", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refersTo(String sentence, String spec, String resource, String name, boolean expected) throws Exception {
    var pod = KubeJson.MAPPER.createObjectNode();
    pod.set("spec", KubeJson.MAPPER.readTree(spec));

    assertThat(PodReferences.refersTo(pod, resource, name)).isEqualTo(expected);
  }
}
