package io.dirigent.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.dirigent.node.testing.DockerEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command in front of a pooled pod's containers, run by the host's static busybox as it runs
 * in a container: once the hostname is the pod's, the container's own command runs — found on its
 * PATH as the engine finds it, never one of busybox's applets of the same name.
 */
class PooledHostnamesIT {

  private static final String BUSYBOX = "/bin/busybox";

  @TempDir static Path bin;

  @BeforeAll
  static void tools() throws IOException {
    // bin/docker-engine installs the static busybox the pool needs.
    DockerEngine.ensure();
    script("tool", "echo \"argv0=$0 args=$*\"");
    // A program of the image named as a busybox applet is: the image's must run.
    script("sleep", "echo \"the image's own sleep $*\"");
  }

  private static void script(String name, String body) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!" + BUSYBOX + " sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int exit, String output) {}

  /** The wait-and-run command with {@code hostname} as the pod's, this host's hostname being what the "container" has. */
  private static Run run(String hostname, String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of(BUSYBOX, "sh", "-c", PooledHostnames.SCRIPT, hostname));
    argv.addAll(List.of(command));
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", "/nowhere:" + bin);
    Process process = builder.start();
    // The output is read whole first: the process ends after it, well within the timeout.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }

  private static String hostname() throws IOException {
    return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
  }

  @Test
  void theContainersOwnCommandRunsWithItsArgumentsAndItsOwnName() throws Exception {
    Run run = run(hostname(), "tool", "a b", "c");
    assertThat(run.exit()).isZero();
    assertThat(run.output()).isEqualTo("argv0=" + bin.resolve("tool") + " args=a b c");
  }

  @Test
  void aProgramNamedAsAnAppletIsTheImagesNotBusyboxs() throws Exception {
    Run run = run(hostname(), "sleep", "5");
    assertThat(run.exit()).isZero();
    assertThat(run.output()).isEqualTo("the image's own sleep 5");
  }

  @Test
  void aPathIsRunAsItIs() throws Exception {
    Run run = run(hostname(), bin.resolve("tool").toString(), "x");
    assertThat(run.output()).isEqualTo("argv0=" + bin.resolve("tool") + " args=x");
  }

  @Test
  void aCommandNotOnThePathEndsWith127AndTheEnginesWords() throws Exception {
    Run run = run(hostname(), "no-such-tool");
    assertThat(run.exit()).isEqualTo(127);
    assertThat(run.output()).isEqualTo("exec: \"no-such-tool\": executable file not found in $PATH");
  }
}
