package io.dirigent.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.core.api.KubeJson;
import io.dirigent.core.security.PodSecurity.Level;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Pod Security Standards' checks, worded as Kubernetes words them. */
class PodSecurityTest {

  private static final String PLAIN = "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a plain pod meets baseline | baseline | " + PLAIN + " | ",
      "anything goes at privileged | privileged | \"hostNetwork\":true,\"volumes\":[{\"name\":\"root\",\"hostPath\":{\"path\":\"/\"}}]," + PLAIN + " | ",
      "host namespaces are refused | baseline | \"hostNetwork\":true,\"hostPID\":true," + PLAIN
          + " | host namespaces (hostNetwork=true, hostPID=true)",
      "a hostPath volume is refused | baseline | \"volumes\":[{\"name\":\"root\",\"hostPath\":{\"path\":\"/\"}}]," + PLAIN
          + " | hostPath volumes (volume \"root\")",
      "privileged containers are refused, all of them named | baseline"
          + " | \"containers\":[{\"name\":\"a\",\"image\":\"i\",\"securityContext\":{\"privileged\":true}},{\"name\":\"b\",\"image\":\"i\",\"securityContext\":{\"privileged\":true}}]"
          + " | privileged (containers \"a\", \"b\" must not set securityContext.privileged=true)",
      "a capability beyond Docker's defaults is refused | baseline"
          + " | \"containers\":[{\"name\":\"c\",\"image\":\"i\",\"securityContext\":{\"capabilities\":{\"add\":[\"NET_BIND_SERVICE\",\"SYS_ADMIN\"]}}}]"
          + " | non-default capabilities (container \"c\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)",
      "a host port is refused | baseline | \"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":80,\"hostPort\":8080}]}]"
          + " | hostPort (container \"c\" uses hostPort 8080)",
      "unconfined seccomp is refused | baseline | \"securityContext\":{\"seccompProfile\":{\"type\":\"Unconfined\"}}," + PLAIN
          + " | seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")",
      "an unsafe sysctl is refused | baseline | \"securityContext\":{\"sysctls\":[{\"name\":\"kernel.msgmax\",\"value\":\"1\"}]}," + PLAIN
          + " | forbidden sysctls (\"kernel.msgmax\")",
      "restricted asks a plain pod to drop its privileges | restricted | " + PLAIN
          + " | allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false),"
          + " unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]),"
          + " runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true),"
          + " seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
      "a pod that drops everything meets restricted | restricted"
          + " | \"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},"
          + "\"volumes\":[{\"name\":\"d\",\"emptyDir\":{}}],"
          + "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"],\"add\":[\"NET_BIND_SERVICE\"]}}}]"
          + " | ",
  })
  void violations(String behaviour, String level, String spec, String expected) throws Exception {
    var violations = PodSecurity.violations(Level.of(level).orElseThrow(), KubeJson.MAPPER.createObjectNode(),
        KubeJson.MAPPER.readTree("{" + spec + "}"));
    assertThat(String.join(", ", violations)).isEqualTo(expected == null ? "" : expected);
  }
}
