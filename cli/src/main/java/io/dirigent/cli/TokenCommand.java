package io.dirigent.cli;

import io.dirigent.cli.client.CliException;
import io.dirigent.core.auth.BootstrapTokens;
import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dirigent token create}: bootstrap tokens, with which new members join (kubeadm token create). */
@Command(name = "token", description = "Manage bootstrap tokens for joining members.", subcommands = TokenCommand.Create.class)
final class TokenCommand implements Runnable {

  @Override
  public void run() {
    throw new CliException("name what to do: token create [--ttl 24h]");
  }

  /**
   * Makes a token (a Secret in kube-system that expires), prints it, and the command a new member
   * joins with: the API's address, the token and the authority's fingerprint. Deleting the Secret
   * {@code bootstrap-token-ID} revokes it.
   */
  @Command(name = "create", description = "Make a bootstrap token and print how a new member joins with it.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Option(names = "--ttl", description = "How long the token is good for (default: 24h).", converter = DurationConverter.class)
    Duration ttl = Duration.ofHours(24);

    @Option(names = "--description", description = "What the token is for.")
    String description = "made by dirigent token create";

    @Override
    public Integer call() throws IOException {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new CliException("--ttl must be positive");
      }
      var client = options.client();
      String authority = options.authority().orElseThrow(() -> new CliException(
          "the kubeconfig names no cluster authority: members join over TLS only"));
      BootstrapTokens.Created created = BootstrapTokens.create(ttl, description, Instant.now());
      client.send("POST", "/api/v1/namespaces/" + BootstrapTokens.NAMESPACE + "/secrets", created.secret());
      String fingerprint = ClusterPki.fingerprint(ClusterPki.readCertificates(authority).get(0));
      PrintWriter out = spec.commandLine().getOut();
      out.println(created.token());
      out.printf("join a member with: dirigent server --join %s --token %s --ca-cert-hash %s --roles worker%n",
          client.server(), created.token(), fingerprint);
      return 0;
    }
  }
}
