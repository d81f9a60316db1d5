package io.dirigent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.Revisions.Revision;
import io.dirigent.cli.client.CliException;
import io.dirigent.core.api.KubeJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which revision undo goes back to, and the patch it sends. */
class RolloutUndoCommandTest {

  private static Revision revision(long number, String image, String annotations) throws Exception {
    return new Revision(number, KubeJson.MAPPER.readTree("""
        {"metadata":{"name":"web-%d","annotations":%s},
         "spec":{"template":{"metadata":{"labels":{"app":"web","pod-template-hash":"h%d"}},
                             "spec":{"containers":[{"name":"web","image":"%s"}]}}}}
        """.formatted(number, annotations, number, image)));
  }

  @Test
  void withoutARevisionTheOneBeforeTheNewestIsChosen() throws Exception {
    List<Revision> revisions = List.of(revision(1, "a", "{}"), revision(4, "b", "{}"), revision(7, "c", "{}"));
    assertThat(RolloutUndoCommand.pick(revisions, 0, "web").number()).isEqualTo(4);
    assertThat(RolloutUndoCommand.pick(revisions, 1, "web").number()).isEqualTo(1);
  }

  @Test
  void aRevisionThatIsNotThereOrNoHistoryIsAnError() throws Exception {
    assertThatThrownBy(() -> RolloutUndoCommand.pick(List.of(revision(1, "a", "{}")), 3, "web"))
        .isInstanceOf(CliException.class).hasMessage("unable to find specified revision 3 in history");
    assertThatThrownBy(() -> RolloutUndoCommand.pick(List.of(), 0, "web")).hasMessage("no rollout history found for deployment \"web\"");
    assertThatThrownBy(() -> RolloutUndoCommand.pick(List.of(revision(1, "a", "{}")), 0, "web"))
        .hasMessage("no revision to roll back to: deployment \"web\" has only revision 1");
  }

  @Test
  void thePatchPinsTheVersionReadAndTakesTheRevisionsTemplateAndChangeCause() throws Exception {
    JsonNode deployment = KubeJson.MAPPER.readTree("""
        {"metadata":{"name":"web","resourceVersion":"42","annotations":{
           "deployment.kubernetes.io/revision":"7","kubernetes.io/change-cause":"now","team":"a"}},
         "spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"c"}]}}}}
        """);
    Revision target = revision(4, "b", "{\"deployment.kubernetes.io/revision\":\"4\",\"kubernetes.io/change-cause\":\"then\"}");

    JsonNode patch = RolloutUndoCommand.patch(deployment, target);

    assertThat(patch.get(0).toString()).isEqualTo("{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"}");
    assertThat(patch.get(1).path("path").asText()).isEqualTo("/spec/template");
    assertThat(patch.get(1).path("value").toString())
        .as("the template without the label that tells ReplicaSets apart")
        .isEqualTo("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"b\"}]}}");
    assertThat(patch.get(2).path("value").toString())
        .as("the deployment's own revision stays; the revision's change cause comes back; other annotations are the revision's")
        .isEqualTo("{\"deployment.kubernetes.io/revision\":\"7\",\"kubernetes.io/change-cause\":\"then\"}");
  }
}
