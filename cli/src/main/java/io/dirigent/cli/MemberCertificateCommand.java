package io.dirigent.cli;

import io.dirigent.cli.client.CliException;
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
 * cluster's authority), a member certificate for another host, with the authority's certificate
 * beside it; copy {@code DIR} to that host's {@code DATA/pki} before it first starts.
 */
@Command(name = "member-certificate", description = "Issue a cluster member's certificate (run where the cluster's authority is).")
final class MemberCertificateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The member's name, e.g. its host name.")
  String name;

  @Option(names = "--data-dir", description = "This control-plane member's data directory (default: ~/.dirigent).")
  Path dataDir = Path.of(System.getProperty("user.home"), ".dirigent");

  @Option(names = "--out", required = true, description = "Where to write ca.crt, member.crt and member.key (the new member's DATA/pki).")
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
    ClusterPki.Issued member = pki.issueMember(name);
    ClusterPki.writeIssued(out, "member", member);
    spec.commandLine().getOut().printf("member certificate for %s in %s: copy the directory to the member's DATA/pki%n", name, out);
    return 0;
  }
}
