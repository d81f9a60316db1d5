package io.dirigent.cli;

import io.dirigent.cli.client.CliException;
import io.dirigent.core.auth.CallerKey;
import io.dirigent.core.pki.ClusterPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirigent member-certificate NAME --out DIR}: on a control-plane host (which holds the
 * cluster's authority), a member certificate for another host and its store credential as the
 * agent of the Node {@code NAME}, with the authority's certificate beside them; copy {@code DIR}
 * to that host's {@code DATA/pki} before it first starts.
 */
@Command(name = "member-certificate", description = "Issue a cluster member's certificate (run where the cluster's authority is).")
final class MemberCertificateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The member's name: the name of its Node (--node-name), e.g. its host name.")
  String name;

  @Option(names = "--data-dir", description = "This control-plane member's data directory (default: ~/.dirigent).")
  Path dataDir = Path.of(System.getProperty("user.home"), ".dirigent");

  @Option(names = "--out", required = true, description = "Where to write ca.crt, member.crt, member.key and member.credential (the new member's DATA/pki).")
  Path out;

  @Override
  public Integer call() throws IOException {
    Path pkiDir = dataDir.resolve("pki");
    if (!Files.exists(pkiDir.resolve("ca.key"))) {
      throw new CliException("no cluster authority in " + pkiDir + ": run this on a control-plane member's host");
    }
    ClusterPki pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    Files.createDirectories(out);
    Files.copy(pkiDir.resolve("ca.crt"), out.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
    // A worker's: a control-plane member holds the authority itself (a copy of DATA/pki) and makes its own.
    ClusterPki.Issued member = pki.issueMember(name, java.util.List.of(io.dirigent.core.cluster.ClusterNode.WORKER));
    ClusterPki.writeIssued(out, "member", member);
    CallerKey key = CallerKey.loadOrCreate(pkiDir.resolve(CallerKey.FILE));
    CallerKey.writeCredential(out.resolve(CallerKey.CREDENTIAL_FILE), key.node(name));
    spec.commandLine().getOut().printf("member certificate and store credential for node %s in %s: copy the directory to the member's DATA/pki%n", name, out);
    return 0;
  }
}
