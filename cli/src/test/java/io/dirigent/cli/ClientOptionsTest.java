package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which kubeconfig the CLI reads: the flag, else $KUBECONFIG's first existing file, else its own default. */
class ClientOptionsTest {

  @Test
  void theFlagWinsOverTheEnvironment(@TempDir Path dir) {
    Path flag = dir.resolve("flag");
    assertThat(ClientOptions.kubeconfigFile(flag, dir.resolve("env").toString())).isEqualTo(flag);
  }

  @Test
  void theFirstExistingFileOfKubeconfigIsRead(@TempDir Path dir) throws Exception {
    Path second = Files.createFile(dir.resolve("second"));
    String list = dir.resolve("missing") + ":" + second + ":" + Files.createFile(dir.resolve("third"));
    assertThat(ClientOptions.kubeconfigFile(null, list)).isEqualTo(second);
  }

  @Test
  void whenNoneOfTheListExistsTheFirstIsNamedInTheError(@TempDir Path dir) {
    assertThat(ClientOptions.kubeconfigFile(null, dir.resolve("a") + "::" + dir.resolve("b"))).isEqualTo(dir.resolve("a"));
  }

  @Test
  void withoutEitherTheDefaultIsDirigentsOwn() {
    assertThat(ClientOptions.kubeconfigFile(null, null)).isEqualTo(ClientOptions.DEFAULT_KUBECONFIG);
    assertThat(ClientOptions.kubeconfigFile(null, "")).isEqualTo(ClientOptions.DEFAULT_KUBECONFIG);
  }
}
