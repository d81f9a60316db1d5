package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchDefaultsTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a job without completions or parallelism runs one pod once | jobs.batch | {'spec':{}} | /spec/completions | 1",
      "a job without completions or parallelism has parallelism one | jobs.batch | {'spec':{}} | /spec/parallelism | 1",
      "a job with parallelism only keeps completions unset | jobs.batch | {'spec':{'parallelism':3}} | /spec/completions | null",
      "a job with completions only runs one pod at a time | jobs.batch | {'spec':{'completions':5}} | /spec/parallelism | 1",
      "a job retries six times | jobs.batch | {'spec':{}} | /spec/backoffLimit | 6",
      "a job's backoffLimit of zero stays zero | jobs.batch | {'spec':{'backoffLimit':0}} | /spec/backoffLimit | 0",
      "a job is NonIndexed | jobs.batch | {'spec':{}} | /spec/completionMode | \"NonIndexed\"",
      "a job is not suspended | jobs.batch | {'spec':{}} | /spec/suspend | false",
      "a job replaces pods once terminating or failed | jobs.batch | {'spec':{}} | /spec/podReplacementPolicy | \"TerminatingOrFailed\"",
      "a job with a pod failure policy replaces pods once failed | jobs.batch | {'spec':{'podFailurePolicy':{'rules':[]}}} | /spec/podReplacementPolicy | \"Failed\"",
      "a pod condition rule matches status True | jobs.batch | {'spec':{'podFailurePolicy':{'rules':[{'action':'Ignore','onPodConditions':[{'type':'DisruptionTarget'}]}]}}} | /spec/podFailurePolicy/rules/0/onPodConditions/0/status | \"True\"",
      "a job's pod template gets the pod defaults, restartPolicy Always included | jobs.batch | {'spec':{'template':{'spec':{'containers':[]}}}} | /spec/template/spec/restartPolicy | \"Always\"",
      "a job's pod restarting Never keeps Never | jobs.batch | {'spec':{'template':{'spec':{'restartPolicy':'Never'}}}} | /spec/template/spec/restartPolicy | \"Never\"",
      "a cronjob allows concurrent runs | cronjobs.batch | {'spec':{}} | /spec/concurrencyPolicy | \"Allow\"",
      "a cronjob is not suspended | cronjobs.batch | {'spec':{}} | /spec/suspend | false",
      "a cronjob keeps three successful jobs | cronjobs.batch | {'spec':{}} | /spec/successfulJobsHistoryLimit | 3",
      "a cronjob keeps one failed job | cronjobs.batch | {'spec':{}} | /spec/failedJobsHistoryLimit | 1",
      "a cronjob's job template gets no job defaults | cronjobs.batch | {'spec':{'jobTemplate':{'spec':{}}}} | /spec/jobTemplate/spec/backoffLimit | null",
      "a cronjob's pod template gets the pod defaults | cronjobs.batch | {'spec':{'jobTemplate':{'spec':{'template':{'spec':{}}}}}} | /spec/jobTemplate/spec/template/spec/terminationGracePeriodSeconds | 30"})
  void missingFieldsTakeKubernetesDefaults(String sentence, String resource, String json, String pointer, String expected) throws Exception {
    ObjectNode object = (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
    Defaults.apply(REGISTRY.byResource(resource).orElseThrow(), object);
    if (expected.equals("null")) {
      assertThat(object.at(pointer).isMissingNode()).as("%s is unset", pointer).isTrue();
    } else {
      assertThat(object.at(pointer)).isEqualTo(KubeJson.MAPPER.readTree(expected));
    }
  }
}
