package io.dirigent.cli;

import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One object a command names, as kubectl takes them: {@code TYPE NAME...} or {@code TYPE/NAME...}.
 *
 * @param type the object's resource
 * @param name the object's name
 */
record Target(ResourceType type, String name) {

  Target {
    if (name == null || name.isEmpty()) {
      throw new CliException("name the " + type.singular() + ", e.g. " + type.singular() + "/NAME");
    }
  }

  /** {@code deployment.apps/web}, as kubectl names objects in its messages. */
  String label() {
    return label(type, name);
  }

  static String label(ResourceType type, String name) {
    return type.singular() + (type.group().isEmpty() ? "" : "." + type.group()) + "/" + name;
  }

  /**
   * The objects {@code arguments} name: either each one {@code TYPE/NAME}, or a type followed by
   * names. {@code defaultType} is the type of bare names when the first argument is not a type
   * (pods, for exec and port-forward); null when a type is required.
   */
  static List<Target> parse(List<String> arguments, String defaultType) {
    if (arguments.isEmpty()) {
      throw new CliException("name an object: TYPE NAME or TYPE/NAME");
    }
    List<Target> targets = new ArrayList<>();
    if (arguments.get(0).contains("/")) {
      for (String argument : arguments) {
        int slash = argument.indexOf('/');
        if (slash < 0) {
          throw new CliException("there is no need to specify a resource type as a separate argument when passing arguments"
              + " in resource/name form (e.g. 'dirigent get resource/<resource_name>' instead of 'dirigent get resource"
              + " resource/<resource_name>'): " + argument);
        }
        targets.add(new Target(ClientOptions.resource(argument.substring(0, slash)), argument.substring(slash + 1)));
      }
      return targets;
    }
    if (defaultType != null && arguments.size() == 1) {
      return List.of(new Target(ClientOptions.resource(defaultType), arguments.get(0)));
    }
    ResourceType type = ClientOptions.resource(arguments.get(0));
    if (arguments.size() == 1) {
      throw new CliException("name the " + type.plural() + ": " + arguments.get(0) + " NAME, or " + type.singular() + "/NAME");
    }
    for (String name : arguments.subList(1, arguments.size())) {
      targets.add(new Target(type, name));
    }
    return targets;
  }

  /**
   * Runs {@code action} on each target and prints {@code LABEL RESULT} for it, as kubectl does;
   * one that fails is one error line and the others still go ahead. Exit 1 if any failed.
   */
  static int forEach(CommandSpec spec, List<Target> targets, Function<Target, String> action) {
    int failed = 0;
    for (Target target : targets) {
      try {
        spec.commandLine().getOut().println(target.label() + " " + action.apply(target));
      } catch (CliException e) {
        failed++;
        spec.commandLine().getErr().println("error: " + e.getMessage());
      }
    }
    spec.commandLine().getOut().flush();
    return failed == 0 ? 0 : 1;
  }

  /** The one object {@code arguments} name. */
  static Target one(List<String> arguments, String defaultType) {
    List<Target> targets = parse(arguments, defaultType);
    if (targets.size() != 1) {
      throw new CliException("name one object, not " + targets.size());
    }
    return targets.get(0);
  }
}
