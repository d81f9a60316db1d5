package io.dirigent.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import org.junit.jupiter.api.Test;

class JobSelectorTest {

  private static ObjectNode job(String json) throws Exception {
    return (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
  }

  @Test
  void aJobWithoutManualSelectorSelectsItsUidAndLabelsItsTemplateWithUidAndName() throws Exception {
    ObjectNode job = job("{'metadata':{'name':'pi','uid':'u-1'},'spec':{'template':{'metadata':{'labels':{'app':'pi'}}}}}");
    JobSelector.generate(job);
    assertThat(job.at("/spec/selector")).isEqualTo(job("{'matchLabels':{'batch.kubernetes.io/controller-uid':'u-1'}}"));
    assertThat(job.at("/spec/template/metadata/labels")).isEqualTo(job("{'app':'pi','controller-uid':'u-1','batch.kubernetes.io/controller-uid':'u-1',"
        + "'job-name':'pi','batch.kubernetes.io/job-name':'pi'}"));
  }

  @Test
  void aJobWithoutLabelsOfItsOwnTakesItsTemplates() throws Exception {
    ObjectNode job = job("{'metadata':{'name':'pi','uid':'u-1'},'spec':{'template':{}}}");
    JobSelector.generate(job);
    assertThat(job.at("/metadata/labels/batch.kubernetes.io~1job-name").asText()).isEqualTo("pi");
  }

  @Test
  void aJobWithManualSelectorKeepsItsSelectorAndTemplate() throws Exception {
    ObjectNode job = job("{'metadata':{'name':'pi','uid':'u-1','labels':{'own':'x'}},'spec':{'manualSelector':true,'selector':{'matchLabels':{'app':'pi'}},"
        + "'template':{'metadata':{'labels':{'app':'pi'}}}}}");
    ObjectNode before = job.deepCopy();
    JobSelector.generate(job);
    assertThat(job).isEqualTo(before);
  }
}
