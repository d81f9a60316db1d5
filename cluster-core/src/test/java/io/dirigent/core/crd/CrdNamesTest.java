package io.dirigent.core.crd;

import static io.dirigent.core.crd.CrdFixtures.cronTab;
import static io.dirigent.core.crd.CrdFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CrdNamesTest {

  private static final Instant BEFORE = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant NOW = Instant.parse("2026-12-07T12:30:45.678Z");

  /** Another CRD of {@code group} that was given {@code acceptedNames}. */
  private static ObjectNode other(String name, String group, String acceptedNames) {
    ObjectNode crd = json("{'metadata':{'name':'" + name + "'},'spec':{'group':'" + group + "'}}");
    crd.putObject("status").set("acceptedNames", json(acceptedNames));
    return crd;
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return null;
  }

  @Test
  void aCrdAloneInItsGroupGetsItsNamesAndIsEstablished() {
    ObjectNode crd = cronTab();
    CrdDefaults.apply(crd);
    ObjectNode status = CrdNames.status(crd, List.of(), Set.of(), NOW);
    assertThat(status).isEqualTo(json("""
        {'storedVersions':['v1'],
         'acceptedNames':{'plural':'crontabs','singular':'crontab','kind':'CronTab','listKind':'CronTabList',
                          'shortNames':['ct']},
         'conditions':[
           {'type':'NamesAccepted','status':'True','lastTransitionTime':'2026-12-07T12:30:45Z',
            'reason':'NoConflicts','message':'no conflicts found'},
           {'type':'Established','status':'True','lastTransitionTime':'2026-12-07T12:30:45Z',
            'reason':'InitialNamesAccepted','message':'the initial names have been accepted'}]}"""));
  }

  static Stream<Arguments> conflicts() {
    String group = "stable.example.com";
    return Stream.of(
        arguments("a plural another CRD of the group has", List.of(other("tabs." + group, group, "{'plural':'crontabs'}")),
            Set.of(), "PluralConflict", "\"crontabs\" is already in use"),
        arguments("a singular another CRD has as its plural", List.of(other("crontab." + group, group, "{'plural':'crontab'}")),
            Set.of(), "SingularConflict", "\"crontab\" is already in use"),
        arguments("a short name another CRD has", List.of(other("tabs." + group, group, "{'plural':'tabs','shortNames':['ct']}")),
            Set.of(), "ShortNamesConflict", "\"ct\" is already in use"),
        arguments("a kind another CRD has", List.of(other("tabs." + group, group, "{'plural':'tabs','kind':'CronTab'}")),
            Set.of(), "KindConflict", "\"CronTab\" is already in use"),
        arguments("a list kind another CRD has as its kind",
            List.of(other("tabs." + group, group, "{'plural':'tabs','kind':'CronTabList'}")),
            Set.of(), "ListKindConflict", "\"CronTabList\" is already in use"),
        arguments("a resource built into the group", List.of(), Set.of("crontabs"),
            "PluralConflict", "\"crontabs\" is already in use"));
  }

  @ParameterizedTest(name = "a new CRD is refused {0}")
  @MethodSource("conflicts")
  void refusesANameTakenInTheGroup(String sentence, List<ObjectNode> others, Set<String> builtin,
      String reason, String message) {
    ObjectNode crd = cronTab();
    ObjectNode status = CrdNames.status(crd, others, builtin, NOW);
    assertThat(condition(status, "NamesAccepted")).isEqualTo(json("{'type':'NamesAccepted','status':'False',"
        + "'lastTransitionTime':'2026-12-07T12:30:45Z','reason':'" + reason + "','message':''}")
        .put("message", message));
    assertThat(condition(status, "Established")).isEqualTo(json("{'type':'Established','status':'False',"
        + "'lastTransitionTime':'2026-12-07T12:30:45Z','reason':'NotAccepted','message':'not all names are accepted'}"));
  }

  @Test
  void aConflictingNameIsNotAcceptedWhileTheOthersAre() {
    ObjectNode crd = cronTab();
    String group = "stable.example.com";
    ObjectNode status = CrdNames.status(crd, List.of(other("tabs." + group, group, "{'plural':'tabs','kind':'CronTab'}")),
        Set.of(), NOW);
    assertThat(status.path("acceptedNames")).isEqualTo(json(
        "{'plural':'crontabs','singular':'crontab','shortNames':['ct'],'kind':'','listKind':'CronTabList'}"));
  }

  @Test
  void severalShortNameConflictsAreListedTogether() {
    ObjectNode crd = cronTab();
    ((ObjectNode) crd.path("spec").path("names")).putArray("shortNames").add("ct").add("cr");
    String group = "stable.example.com";
    ObjectNode status = CrdNames.status(crd,
        List.of(other("tabs." + group, group, "{'plural':'tabs','shortNames':['ct','cr']}")), Set.of(), NOW);
    assertThat(condition(status, "NamesAccepted").path("message").asText())
        .isEqualTo("[\"ct\" is already in use, \"cr\" is already in use]");
  }

  @Test
  void namesOfAnotherGroupAndOfTheCrdItselfDoNotConflict() {
    ObjectNode crd = cronTab();
    ObjectNode self = crd.deepCopy();
    self.putObject("status").set("acceptedNames", json("{'plural':'crontabs','kind':'CronTab'}"));
    List<ObjectNode> others = List.of(self, other("crontabs.other.example.com", "other.example.com",
        "{'plural':'crontabs','singular':'crontab','kind':'CronTab','listKind':'CronTabList','shortNames':['ct']}"));
    ObjectNode status = CrdNames.status(crd, others, Set.of(), NOW);
    assertThat(condition(status, "NamesAccepted").path("status").asText()).isEqualTo("True");
  }

  @Test
  void anEstablishedCrdKeepsItsAcceptedNamesAndStaysEstablishedWhenANewNameConflicts() {
    ObjectNode crd = cronTab();
    crd.set("status", json("""
        {'storedVersions':['v1'],
         'acceptedNames':{'plural':'crontabs','singular':'crontab','kind':'CronTab','listKind':'CronTabList',
                          'shortNames':['ct']},
         'conditions':[
           {'type':'NamesAccepted','status':'True','lastTransitionTime':'2026-12-01T10:00:00Z',
            'reason':'NoConflicts','message':'no conflicts found'},
           {'type':'Established','status':'True','lastTransitionTime':'2026-12-01T10:00:00Z',
            'reason':'InitialNamesAccepted','message':'the initial names have been accepted'}]}"""));
    ((ObjectNode) crd.path("spec").path("names")).putArray("shortNames").add("ct").add("cr");
    String group = "stable.example.com";
    ObjectNode status = CrdNames.status(crd,
        List.of(other("crs." + group, group, "{'plural':'crs','shortNames':['cr']}")), Set.of(), NOW);
    assertThat(status.path("acceptedNames").path("shortNames")).isEqualTo(json("{'s':['ct']}").path("s"));
    assertThat(condition(status, "NamesAccepted")).isEqualTo(json("""
        {'type':'NamesAccepted','status':'False','lastTransitionTime':'2026-12-07T12:30:45Z',
         'reason':'ShortNamesConflict','message':'"cr" is already in use'}""".replace("\"cr\"", "\\\"cr\\\"")));
    assertThat(condition(status, "Established").path("lastTransitionTime").asText())
        .isEqualTo(BEFORE.toString());
  }

  @Test
  void aConditionThatKeepsItsStatusKeepsItsTransitionTime() {
    ObjectNode crd = cronTab();
    ObjectNode first = CrdNames.status(crd, List.of(), Set.of(), BEFORE);
    crd.set("status", first);
    ObjectNode again = CrdNames.status(crd, List.of(), Set.of(), NOW);
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aNewStorageVersionJoinsTheStoredVersions() {
    ObjectNode crd = cronTab();
    crd.putObject("status").putArray("storedVersions").add("v1beta1");
    assertThat(CrdNames.status(crd, List.of(), Set.of(), NOW).path("storedVersions"))
        .isEqualTo(json("{'s':['v1beta1','v1']}").path("s"));
  }
}
