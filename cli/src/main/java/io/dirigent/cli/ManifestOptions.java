package io.dirigent.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The manifests a command works on: {@code -f FILE}, {@code -f DIRECTORY}, {@code -f -}. */
final class ManifestOptions {

  @Option(names = {"-f", "--filename"}, description = "A file, a directory, or - for standard input.")
  List<String> files = new ArrayList<>();
}
