package io.dirigent.cli;

import io.dirigent.cli.client.CliException;
import io.dirigent.core.crypto.EncryptionKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dirigent encryption-key rotate}: the keys Secrets are encrypted with at rest. */
@Command(name = "encryption-key", description = "Manage the keys that encrypt Secrets at rest.", subcommands = EncryptionKeyCommand.Rotate.class)
final class EncryptionKeyCommand implements Runnable {

  @Override
  public void run() {
    throw new CliException("name what to do: encryption-key rotate --data-dir DIR");
  }

  /**
   * Puts a new key first in {@code DIR/pki/encryption.keys}; the server encrypts new writes with
   * it after its next start, and reads what older keys encrypted.
   */
  @Command(name = "rotate", description = "Make a new key for new writes; older keys stay to read what they encrypted.")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data-dir", description = "The server's data directory (default: ~/.dirigent).")
    Path dataDir = Path.of(System.getProperty("user.home"), ".dirigent");

    @Override
    public Integer call() throws IOException {
      Path file = dataDir.resolve("pki").resolve("encryption.keys");
      if (!Files.exists(file)) {
        throw new CliException("no encryption keys at " + file + ": start the server once first (bin/dirigent up)");
      }
      String name = EncryptionKeys.rotate(file);
      spec.commandLine().getOut().printf("new key %s is first in %s: restart the server (every control-plane member, "
          + "with this file copied to each) for new writes to use it%n", name, file);
      return 0;
    }
  }
}
