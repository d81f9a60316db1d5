package io.dirigent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.cli.Revisions.Revision;
import io.dirigent.cli.client.ApiClient;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirigent rollout undo deployment/NAME [--to-revision=N]}: rolls a Deployment back to an
 * earlier revision, as kubectl does — the revision's pod template (and its change cause) become
 * the Deployment's again, in one JSON patch guarded by the Deployment's resourceVersion, and the
 * controller rolls out to it.
 */
@Command(name = "undo", description = "Roll a deployment back to its previous revision, or to --to-revision.")
final class RolloutUndoCommand implements Callable<Integer> {

  /** Annotations that belong to the Deployment, not to a revision: kept as they are (kubectl's list). */
  private static final Set<String> DEPLOYMENT_ANNOTATIONS = Set.of(
      "kubectl.kubernetes.io/last-applied-configuration", Revisions.REVISION, "deployment.kubernetes.io/revision-history",
      "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas",
      "deprecated.deployment.rollback.to");

  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "TYPE/NAME", description = "deployment/NAME (or: deployment NAME...).")
  List<String> arguments = new ArrayList<>();

  @Option(names = "--to-revision", description = "The revision to roll back to (default: the one before the current).")
  long toRevision;

  @Override
  public Integer call() {
    ApiClient client = options.client();
    String namespace = options.namespace();
    return Target.forEach(spec, RolloutCommand.targets(arguments, RolloutCommand.DEPLOYMENTS), target -> undo(client, namespace, target));
  }

  private String undo(ApiClient client, String namespace, Target target) {
    String path = ApiClient.path(target.type(), namespace, target.name());
    JsonNode deployment = client.get(path);
    if (deployment.path("spec").path("paused").asBoolean(false)) {
      throw new CliException("you cannot rollback a paused deployment; resume it first with 'dirigent rollout resume' and try again");
    }
    Revision revision = pick(Revisions.of(client, namespace, deployment), toRevision, target.name());
    if (revision.template().equals(deployment.path("spec").path("template"))) {
      return "skipped rollback (current template already matches revision " + revision.number() + ")";
    }
    client.send("PATCH", path, patch(deployment, revision), "application/json-patch+json");
    return "rolled back";
  }

  /** The revision to go back to: {@code wanted}, or the newest but one. */
  static Revision pick(List<Revision> revisions, long wanted, String name) {
    if (wanted > 0) {
      return revisions.stream().filter(r -> r.number() == wanted).findFirst()
          .orElseThrow(() -> new CliException("unable to find specified revision " + wanted + " in history"));
    }
    if (revisions.isEmpty()) {
      throw new CliException("no rollout history found for deployment \"" + name + "\"");
    }
    if (revisions.size() < 2) {
      throw new CliException("no revision to roll back to: deployment \"" + name + "\" has only revision " + revisions.get(0).number());
    }
    return revisions.get(revisions.size() - 2);
  }

  /**
   * The JSON patch: the resourceVersion read (so a change made meanwhile is a conflict, not lost),
   * the revision's template, and the annotations — the Deployment's own, with the revision's others.
   */
  static ArrayNode patch(JsonNode deployment, Revision revision) {
    ObjectNode annotations = KubeJson.MAPPER.createObjectNode();
    deployment.path("metadata").path("annotations").fields().forEachRemaining(entry -> {
      if (DEPLOYMENT_ANNOTATIONS.contains(entry.getKey())) {
        annotations.set(entry.getKey(), entry.getValue());
      }
    });
    revision.replicaSet().path("metadata").path("annotations").fields().forEachRemaining(entry -> {
      if (!DEPLOYMENT_ANNOTATIONS.contains(entry.getKey())) {
        annotations.set(entry.getKey(), entry.getValue());
      }
    });
    ArrayNode patch = KubeJson.MAPPER.createArrayNode();
    patch.addObject().put("op", "replace").put("path", "/metadata/resourceVersion").put("value", KubeJson.meta(deployment, "resourceVersion"));
    patch.addObject().put("op", "replace").put("path", "/spec/template").set("value", revision.template());
    patch.addObject().put("op", "add").put("path", "/metadata/annotations").set("value", annotations);
    return patch;
  }
}
