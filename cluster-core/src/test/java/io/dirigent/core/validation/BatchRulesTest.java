package io.dirigent.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Jobs and CronJobs are refused with Kubernetes' messages; the fields in each row are merged into a valid object. */
class BatchRulesTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
  private static final String POD = "'template':{'spec':{'restartPolicy':'Never','containers':[{'name':'main','image':'busybox:1'}]}}";
  private static final String JOB = "{'apiVersion':'batch/v1','kind':'Job','metadata':{'name':'pi','namespace':'default'},'spec':{"
      + "'template':{'spec':{%s'containers':[{'name':'main','image':'busybox:1'}]}}%s}}";
  private static final String CRON = "{'apiVersion':'batch/v1','kind':'CronJob','metadata':{'name':'%s','namespace':'default'},"
      + "'spec':{'schedule':'%s'%s,'jobTemplate':{'spec':{" + POD + "}}}}";

  private static List<String> errors(String resource, String json) throws Exception {
    ObjectNode object = (ObjectNode) KubeJson.MAPPER.readTree(json.replace('\'', '"'));
    ResourceType type = REGISTRY.byResource(resource).orElseThrow();
    Defaults.apply(type, object);
    return ObjectValidator.validate(type, object, true).stream().map(FieldError::message).toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a plain job is valid | '' | ''",
      "negative completions are refused | ,'completions':-1 | spec.completions: Invalid value: \"-1\": must be greater than or equal to 0",
      "negative parallelism is refused | ,'parallelism':-2 | spec.parallelism: Invalid value: \"-2\": must be greater than or equal to 0",
      "a negative backoffLimit is refused | ,'backoffLimit':-1 | spec.backoffLimit: Invalid value: \"-1\": must be greater than or equal to 0",
      "a negative deadline is refused | ,'activeDeadlineSeconds':-5 | spec.activeDeadlineSeconds: Invalid value: \"-5\": must be greater than or equal to 0",
      "an unknown completion mode is refused | ,'completionMode':'Sometimes' | spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\"",
      "an indexed job must say how many completions | ,'completionMode':'Indexed','parallelism':2 | spec.completions: Required value: when completion mode is Indexed",
      "an indexed job runs at most 100000 pods at once | ,'completionMode':'Indexed','completions':200000,'parallelism':200000 | spec.parallelism: Invalid value: \"200000\": must be less than or equal to 100000 when completion mode is Indexed",
      "an indexed job with many completions runs at most 10000 at once | ,'completionMode':'Indexed','completions':200000,'parallelism':20000 | spec.parallelism: Invalid value: \"20000\": must be less than or equal to 10000 when completions are above 100000 and used with indexed completion mode",
      "a huge non-indexed job is valid, as in Kubernetes | ,'completions':2000000000,'parallelism':2000000000 | ''",
      "a selector without manualSelector is refused | ,'selector':{'matchLabels':{'a':'b'}} | spec.selector: Invalid value: \"{\\\"matchLabels\\\":{\\\"a\\\":\\\"b\\\"}}\": `selector` not auto-generated",
      "manualSelector needs a selector | ,'manualSelector':true | spec.selector: Required value",
      "a pod failure policy needs restartPolicy Never | ,'podFailurePolicy':{'rules':[{'action':'FailJob','onExitCodes':{'operator':'In','values':[42]}}]},'restartPolicy':'OnFailure' | spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified",
      "a pod failure rule's action must be known | ,'podFailurePolicy':{'rules':[{'action':'Retry','onExitCodes':{'operator':'In','values':[1]}}]} | spec.podFailurePolicy.rules[0].action: Unsupported value: \"Retry\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\""})
  void jobsAreCheckedAsKubernetesChecksThem(String sentence, String fields, String expected) throws Exception {
    List<String> errors = errors("jobs.batch", JOB.formatted(fields.contains("OnFailure") ? "'restartPolicy':'OnFailure'," : "'restartPolicy':'Never',", fields
        .replace(",'restartPolicy':'OnFailure'", "")));
    if (expected.isEmpty()) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors).contains(expected.replace('\'', '"'));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a job's pods must not restart Always | spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""})
  void aJobWhosePodsRestartAlwaysIsRefused(String sentence, String expected) throws Exception {
    assertThat(errors("jobs.batch", JOB.formatted("", ""))).contains(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "an every-minute cronjob is valid | nightly | * * * * * | '' | ''",
      "a descriptor is valid | nightly | @hourly | '' | ''",
      "a time zone by IANA name is valid | nightly | 0 3 * * * | ,'timeZone':'Europe/Berlin' | ''",
      "four fields are refused | nightly | * * * * | '' | spec.schedule: Invalid value: \"* * * *\": expected exactly 5 fields, found 4: [* * * *]",
      "a minute past 59 is refused | nightly | 61 * * * * | '' | spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61",
      "a word is refused | nightly | often | '' | spec.schedule: Invalid value: \"often\": expected exactly 5 fields, found 1: [often]",
      "an unknown descriptor is refused | nightly | @sometimes | '' | spec.schedule: Invalid value: \"@sometimes\": unrecognized descriptor: @sometimes",
      "a time zone in the schedule is refused | nightly | CRON_TZ=UTC 0 3 * * * | '' | spec.schedule: Invalid value: \"CRON_TZ=UTC 0 3 * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
      "an unknown time zone is refused | nightly | 0 3 * * * | ,'timeZone':'Mars/Olympus' | spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus",
      "the server's local zone is refused | nightly | 0 3 * * * | ,'timeZone':'Local' | spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
      "an offset is not a time zone | nightly | 0 3 * * * | ,'timeZone':'+01:00' | spec.timeZone: Invalid value: \"+01:00\": unknown time zone +01:00",
      "an unknown concurrency policy is refused | nightly | 0 3 * * * | ,'concurrencyPolicy':'Sometimes' | spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
      "a negative starting deadline is refused | nightly | 0 3 * * * | ,'startingDeadlineSeconds':-1 | spec.startingDeadlineSeconds: Invalid value: \"-1\": must be greater than or equal to 0",
      "a negative history limit is refused | nightly | 0 3 * * * | ,'successfulJobsHistoryLimit':-1 | spec.successfulJobsHistoryLimit: Invalid value: \"-1\": must be greater than or equal to 0",
      "a name longer than 52 characters is refused | a-very-long-cronjob-name-that-is-longer-than-fifty-two-chars | 0 3 * * * | '' | metadata.name: Invalid value: \"a-very-long-cronjob-name-that-is-longer-than-fifty-two-chars\": must be no more than 52 characters"})
  void cronJobsAreCheckedAsKubernetesChecksThem(String sentence, String name, String schedule, String fields, String expected) throws Exception {
    List<String> errors = errors("cronjobs.batch", CRON.formatted(name, schedule, fields));
    if (expected.isEmpty()) {
      assertThat(errors).isEmpty();
    } else {
      assertThat(errors).contains(expected);
    }
  }
}
