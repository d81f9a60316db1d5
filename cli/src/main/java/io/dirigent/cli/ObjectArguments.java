package io.dirigent.cli;

import io.dirigent.core.api.ResourceType;
import picocli.CommandLine.Parameters;

/** {@code TYPE NAME}: the one object a command works on. */
final class ObjectArguments {

  @Parameters(index = "0", paramLabel = "TYPE", description = "pods, deploy, svc, cm, ns, …")
  String typeName;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  ResourceType type() {
    return ClientOptions.resource(typeName);
  }
}
