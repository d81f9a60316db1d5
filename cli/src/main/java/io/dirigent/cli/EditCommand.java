package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirigent edit TYPE/NAME}: the object in the user's editor ({@code $KUBE_EDITOR},
 * {@code $EDITOR}, else vi); what is saved replaces the object on the version that was read, so a
 * change made by someone else meanwhile is a conflict, reported with the file that keeps the edit.
 */
@Command(name = "edit", description = "Edit an object in your editor and save it back.")
final class EditCommand implements Callable<Integer> {

  private static final String HEADER = """
      # Edit the object below. Lines beginning with '#' are ignored, and an empty file cancels the edit.
      # It is saved on the version shown: if the object changes meanwhile, that is a conflict, and
      # this file is kept for another try.
      #
      """;

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "TYPE/NAME", description = "The object: TYPE/NAME or TYPE NAME.")
  List<String> arguments = new ArrayList<>();

  @Option(names = {"-o", "--output"}, description = "The format to edit in: yaml (default) or json.")
  String output = "yaml";

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (!output.equals("yaml") && !output.equals("json")) {
      throw new CliException("unknown output format \"" + output + "\": edit in yaml or json");
    }
    Target target = Target.one(arguments, null);
    ApiClient client = options.client();
    String path = ApiClient.path(target.type(), options.namespace(), target.name());
    JsonNode original = client.get(path);
    String shown = GetCommand.render(original, output);
    Path file = Files.createTempFile("dirigent-edit-", "." + output);
    Files.writeString(file, HEADER + shown, StandardCharsets.UTF_8);
    runEditor(file);

    String edited = withoutComments(Files.readString(file, StandardCharsets.UTF_8));
    if (edited.isBlank()) {
      Files.deleteIfExists(file);
      spec.commandLine().getOut().println("Edit cancelled, saved file was empty.");
      return 0;
    }
    if (edited.equals(withoutComments(shown))) {
      Files.deleteIfExists(file);
      spec.commandLine().getOut().println("Edit cancelled, no changes made.");
      return 0;
    }
    JsonNode object;
    try {
      object = new YAMLMapper().readTree(edited);
    } catch (IOException e) {
      throw new CliException("the edited object is not valid " + output.toUpperCase() + " (" + firstLine(e.getMessage())
          + "); your changes are saved in " + file);
    }
    if (object == null || !object.isObject()) {
      throw new CliException("the edited file holds no object; your changes are saved in " + file);
    }
    JsonNode saved;
    try {
      saved = client.send("PUT", path, object);
    } catch (CliException e) {
      throw new CliException(target.label() + " could not be saved: " + e.getMessage() + "; your changes are saved in " + file);
    }
    Files.deleteIfExists(file);
    boolean changed = !KubeJson.meta(saved, "resourceVersion").equals(KubeJson.meta(original, "resourceVersion"));
    spec.commandLine().getOut().println(target.label() + (changed ? " edited" : " skipped (nothing to change)"));
    return 0;
  }

  private void runEditor(Path file) throws IOException, InterruptedException {
    String editor = firstSet(System.getenv("KUBE_EDITOR"), System.getenv("EDITOR"), "vi");
    // The editor setting may carry arguments ("code --wait"), so the shell splits it, as kubectl does.
    Process process = new ProcessBuilder("sh", "-c", editor + " \"$1\"", "dirigent-edit", file.toString()).inheritIO().start();
    int exit = process.waitFor();
    if (exit != 0) {
      throw new CliException("the editor \"" + editor + "\" exited with " + exit + "; nothing was saved (the edit is in " + file + ")");
    }
  }

  private static String withoutComments(String text) {
    return text.lines().filter(line -> !line.startsWith("#")).collect(Collectors.joining("\n")).strip();
  }

  private static String firstSet(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    throw new IllegalArgumentException("no value");
  }

  private static String firstLine(String message) {
    return message == null ? "unreadable" : message.lines().findFirst().orElse(message);
  }
}
