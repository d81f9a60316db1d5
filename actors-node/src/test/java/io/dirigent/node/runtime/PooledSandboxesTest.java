package io.dirigent.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** What a pod whose sandbox came from the pool runs, and the files it is named in. */
class PooledSandboxesTest {

  private static final ContainerRuntime.Image IMAGE = new ContainerRuntime.Image("sha256:1", "", List.of("/entry", "--flag"), List.of("serve", "--port=80"));
  private static final ContainerRuntime.Image BARE = new ContainerRuntime.Image("sha256:2", "", List.of(), List.of("sh"));

  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of("neither command nor args: the image's entrypoint and command", List.of(), List.of(), IMAGE,
            List.of("/entry", "--flag", "serve", "--port=80")),
        Arguments.of("a command replaces the entrypoint and drops the image's command", List.of("sleep"), List.of(), IMAGE,
            List.of("sleep")),
        Arguments.of("args replace the image's command after its entrypoint", List.of(), List.of("check"), IMAGE,
            List.of("/entry", "--flag", "check")),
        Arguments.of("command and args: both the pod's", List.of("sleep"), List.of("3600"), IMAGE,
            List.of("sleep", "3600")),
        Arguments.of("an image without an entrypoint runs its command", List.of(), List.of(), BARE,
            List.of("sh")),
        Arguments.of("args alone on an image without an entrypoint are the command", List.of(), List.of("echo", "hi"), BARE,
            List.of("echo", "hi")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void theCommandIsPutTogetherAsTheEngineWould(String why, List<String> command, List<String> args, ContainerRuntime.Image image, List<String> argv) {
    assertThat(PooledHostnames.argv(command, args, image)).isEqualTo(argv);
  }

  @Test
  void nothingToRunIsRefusedAsTheEngineRefusesIt() {
    ContainerRuntime.Image empty = new ContainerRuntime.Image("sha256:3", "");
    assertThatThrownBy(() -> PooledHostnames.argv(List.of(), List.of(), empty)).hasMessageContaining("no command specified");
  }

  @Test
  void theWaitGetsTheHostnameAsAnArgumentNeverInsideTheScript() {
    assertThat(PooledHostnames.entrypoint("web-7d4b9-x2x5q"))
        .containsExactly(PooledHostnames.TOOLS, "sh", "-c", PooledHostnames.SCRIPT, "web-7d4b9-x2x5q");
  }

  @Test
  void aHostnameThatIsNoDnsNameNeverReachesTheHostTool() {
    PooledHostnames hostnames = new PooledHostnames("/bin/busybox");
    for (String hostile : List.of("-F/etc/shadow", "a b", "Upper", "x".repeat(64), "", "a;reboot", "-", "web\n10.0.0.1\tevil")) {
      assertThatThrownBy(() -> hostnames.name(1, hostile, 0)).as(hostile).isInstanceOf(IOException.class).hasMessageContaining("not a hostname");
      assertThat(PooledHostnames.isHostname(hostile)).as("a pool sandbox's files never name " + hostile).isFalse();
    }
    assertThat(PooledHostnames.isHostname("web-7d4b9-x2x5q")).isTrue();
    assertThat(PooledHostnames.isHostname("a.b-c")).as("a pod name may have dots").isTrue();
  }

  @Test
  void theHostsFileNamesThePodAtItsAddressAndKeepsTheRest() {
    String engine = """
        127.0.0.1\tlocalhost
        ::1\tlocalhost ip6-localhost ip6-loopback
        fe00::0\tip6-localnet
        10.244.0.7\tdirigent-pool
        """;
    assertThat(SandboxPool.hostsFile(engine, "10.244.0.7", "web-0")).isEqualTo("""
        127.0.0.1\tlocalhost
        ::1\tlocalhost ip6-localhost ip6-loopback
        fe00::0\tip6-localnet
        10.244.0.7\tweb-0
        """);
    assertThat(SandboxPool.hostsFile("127.0.0.1\tlocalhost\n", "10.244.0.8", "web-1"))
        .as("a line for the pod is added when the engine wrote none").isEqualTo("127.0.0.1\tlocalhost\n10.244.0.8\tweb-1\n");
  }

  @Test
  void aClaimedSandboxIsKnownByItsNameAndAFreeOneIsNoPods() {
    assertThat(SandboxPool.podOf("dirigent_POD_web-0_default_0b7c1b2e-1111-4a4a-9a9a-123456789abc_2"))
        .isEqualTo("0b7c1b2e-1111-4a4a-9a9a-123456789abc");
    assertThat(SandboxPool.podOf("/dirigent_POD_web-0_default_0b7c1b2e-1111-4a4a-9a9a-123456789abc_0"))
        .isEqualTo("0b7c1b2e-1111-4a4a-9a9a-123456789abc");
    assertThat(SandboxPool.podOf("dirigent_pool_0f3a9c")).isNull();
    assertThat(SandboxPool.podOf("dirigent_app_web-0_default_0b7c1b2e-1111-4a4a-9a9a-123456789abc_0")).as("an app container").isNull();
    assertThat(SandboxPool.podOf(null)).isNull();
  }
}
