package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.ResourceRegistry;
import io.dirigent.core.api.ResourceType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** kubectl's columns for Jobs and CronJobs, after Kubernetes' printJob and printCronJob. */
class BatchTablesTest {

  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private final ResourceRegistry registry = ResourceRegistry.builtin();

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) new ObjectMapper().readTree(text.replace('\'', '"'));
  }

  private ResourceType type(String resource) {
    return registry.byResource(resource).orElseThrow();
  }

  @Test
  void theColumnsAreKubectls() {
    assertThat(Tables.columns(type("jobs.batch"))).extracting(Tables.Column::name)
        .containsExactly("Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector");
    assertThat(Tables.columns(type("cronjobs.batch"))).extracting(Tables.Column::name)
        .containsExactly("Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a running job shows Running and how long it has run | {'completions':3} | {'succeeded':1,'startTime':'2026-12-02T11:59:00Z'} | Running | 1/3 | 60s",
      "a complete job shows Complete and how long it took | {'completions':1} | {'succeeded':1,'startTime':'2026-12-02T11:00:00Z','completionTime':'2026-12-02T11:00:30Z','conditions':[{'type':'SuccessCriteriaMet','status':'True'},{'type':'Complete','status':'True'}]} | Complete | 1/1 | 30s",
      "a failed job shows Failed | {'completions':1} | {'failed':7,'startTime':'2026-12-02T11:00:00Z','conditions':[{'type':'FailureTarget','status':'True'},{'type':'Failed','status':'True'}]} | Failed | 0/1 | 60m",
      "a failing job not yet failed shows FailureTarget | {'completions':1} | {'conditions':[{'type':'FailureTarget','status':'True'}]} | FailureTarget | 0/1 | ''",
      "a suspended job shows Suspended | {'completions':2} | {'conditions':[{'type':'Suspended','status':'True'}]} | Suspended | 0/2 | ''",
      "a work queue job shows one of its parallelism | {'parallelism':4} | {'succeeded':0} | Running | 0/1 of 4 | ''"})
  void aJobRowSaysItsStatusCompletionsAndDuration(String sentence, String spec, String status, String word, String completions, String duration)
      throws Exception {
    ObjectNode job = json("{'metadata':{'name':'pi','creationTimestamp':'2026-12-02T09:00:00Z'},'spec':" + spec + ",'status':" + status + "}");
    List<Object> cells = Tables.cells(type("jobs.batch"), job, NOW);
    assertThat(cells.subList(0, 5)).containsExactly("pi", word, completions, duration, "3h");
  }

  @Test
  void aCronJobRowSaysItsScheduleZoneSuspendActiveAndLastSchedule() throws Exception {
    ObjectNode cronJob = json("""
        {'metadata':{'name':'nightly','creationTimestamp':'2026-12-01T12:00:00Z'},
         'spec':{'schedule':'0 3 * * *','timeZone':'Europe/Berlin','suspend':false,'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'main','image':'busybox:1'}]}}}}},
         'status':{'active':[{'name':'nightly-1'}],'lastScheduleTime':'2026-12-02T11:55:00Z'}}""");
    assertThat(Tables.cells(type("cronjobs.batch"), cronJob, NOW))
        .containsExactly("nightly", "0 3 * * *", "Europe/Berlin", "False", 1L, "5m", "24h", "main", "busybox:1", "<none>");
  }

  @Test
  void aCronJobNeverScheduledShowsNone() throws Exception {
    ObjectNode cronJob = json("{'metadata':{'name':'n','creationTimestamp':'2026-12-02T11:00:00Z'},'spec':{'schedule':'@hourly'},'status':{}}");
    assertThat(Tables.cells(type("cronjobs.batch"), cronJob, NOW).subList(1, 6)).containsExactly("@hourly", "<none>", "<unset>", 0L, "<none>");
  }
}
