package io.dirigent.core.crd;

import static io.dirigent.core.crd.CrdFixtures.addVersion;
import static io.dirigent.core.crd.CrdFixtures.cronTab;
import static io.dirigent.core.crd.CrdFixtures.json;
import static io.dirigent.core.crd.CrdFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.validation.FieldError;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CrdRulesTest {

  private static final String DNS1035 = "a DNS-1035 label must consist of lower case alphanumeric"
      + " characters or '-', start with an alphabetic character, and end with an alphanumeric"
      + " character (e.g. 'my-name',  or 'abc-123', regex used for validation is"
      + " '[a-z]([-a-z0-9]*[a-z0-9])?')";
  private static final String SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower"
      + " case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric"
      + " character (e.g. 'example.com', regex used for validation is"
      + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final String STORED_V1BETA1 = "status.storedVersions[0]: Invalid value: \"v1beta1\":"
      + " missing from spec.versions; v1beta1 was previously a storage version, and must remain in"
      + " spec.versions until a storage migration ensures no data remains persisted in v1beta1 and"
      + " removes v1beta1 from status.storedVersions";

  private static ObjectNode spec(ObjectNode crd) {
    return (ObjectNode) crd.path("spec");
  }

  private static ObjectNode names(ObjectNode crd) {
    return (ObjectNode) crd.path("spec").path("names");
  }

  private static ObjectNode scale(ObjectNode crd) {
    return (ObjectNode) version(crd, 0).path("subresources").path("scale");
  }

  private static ObjectNode column(ObjectNode crd) {
    return (ObjectNode) version(crd, 0).path("additionalPrinterColumns").get(0);
  }

  private static Arguments creating(String sentence, Consumer<ObjectNode> change, String... messages) {
    return arguments(sentence, change, List.of(messages));
  }

  static Stream<Arguments> creates() {
    return Stream.of(
        creating("the documentation's CronTab is valid", crd -> { }),
        creating("a name other than plural.group is refused",
            crd -> ((ObjectNode) crd.path("metadata")).put("name", "crontab.stable.example.com"),
            "metadata.name: Invalid value: \"crontab.stable.example.com\": must be spec.names.plural+\".\"+spec.group"),
        creating("a group needs a dot", crd -> {
          spec(crd).put("group", "example");
          ((ObjectNode) crd.path("metadata")).put("name", "crontabs.example");
        }, "spec.group: Invalid value: \"example\": should be a domain with at least one dot"),
        creating("a group must be a DNS subdomain", crd -> {
          spec(crd).put("group", "Stable.example.com");
          ((ObjectNode) crd.path("metadata")).put("name", "crontabs.Stable.example.com");
        }, "spec.group: Invalid value: \"Stable.example.com\": " + SUBDOMAIN),
        creating("a scope is required", crd -> spec(crd).remove("scope"), "spec.scope: Required value"),
        creating("the scope is Cluster or Namespaced", crd -> spec(crd).put("scope", "Global"),
            "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\""),
        creating("no storage version is refused, and leaves nothing to store",
            crd -> version(crd, 0).put("storage", false),
            "spec.versions: must have exactly one version marked as storage version",
            "status.storedVersions: Invalid value: \"[]\": must have at least one stored version"),
        creating("a CRD without versions has no storage version", crd -> spec(crd).putArray("versions"),
            "spec.versions: must have exactly one version marked as storage version",
            "status.storedVersions: Invalid value: \"[]\": must have at least one stored version"),
        creating("two storage versions are refused", crd -> addVersion(crd).put("storage", true),
            "spec.versions: must have exactly one version marked as storage version"),
        creating("version names are unique", crd -> addVersion(crd).put("name", "v1"),
            "spec.versions: must contain unique version names"),
        creating("a version name is a DNS-1035 label, checked again as the internal spec.version",
            crd -> version(crd, 0).put("name", "V1"),
            "spec.versions[0].name: Invalid value: \"V1\": " + DNS1035,
            "spec.version: Invalid value: \"V1\": " + DNS1035),
        creating("a version needs a schema", crd -> version(crd, 0).remove("schema"),
            "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required"),
        creating("every version needs a schema", crd -> addVersion(crd).remove("schema"),
            "spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required"),
        creating("the plural is a DNS-1035 label", crd -> {
          names(crd).put("plural", "CronTabs");
          ((ObjectNode) crd.path("metadata")).put("name", "CronTabs.stable.example.com");
        }, "spec.names.plural: Invalid value: \"CronTabs\": " + DNS1035),
        creating("the kind may have mixed case but is otherwise a label",
            crd -> names(crd).put("kind", "Cron_Tab"),
            "spec.names.kind: Invalid value: \"Cron_Tab\": may have mixed case, but should otherwise match: "
                + DNS1035),
        creating("kind and list kind differ", crd -> names(crd).put("listKind", "CronTab"),
            "spec.names.listKind: Invalid value: \"CronTab\": kind and listKind may not be the same"),
        creating("short names are labels", crd -> names(crd).putArray("shortNames").add("c-"),
            "spec.names.shortNames[0]: Invalid value: \"c-\": " + DNS1035),
        creating("categories are labels", crd -> names(crd).putArray("categories").add("All"),
            "spec.names.categories[0]: Invalid value: \"All\": " + DNS1035),
        creating("the names Kubernetes defaults are still required", crd -> {
          names(crd).remove("singular");
          names(crd).remove("listKind");
        }, "spec.names.singular: Required value", "spec.names.listKind: Required value"),
        creating("the spec replicas path is under .spec",
            crd -> scale(crd).put("specReplicasPath", ".status.replicas"),
            "spec.subresources.scale.specReplicasPath: Invalid value: \".status.replicas\": should be a json path under .spec"),
        creating("a replicas path starts with a dot", crd -> scale(crd).put("statusReplicasPath", "status.replicas"),
            "spec.subresources.scale.statusReplicasPath: Invalid value: \"status.replicas\": must be a simple json path starting with ."),
        creating("the selector path is under .spec or .status",
            crd -> scale(crd).put("labelSelectorPath", ".metadata.labels"),
            "spec.subresources.scale.labelSelectorPath: Invalid value: \".metadata.labels\": should be a json path under either .spec or .status"),
        creating("scale needs the spec replicas path", crd -> scale(crd).remove("specReplicasPath"),
            "spec.subresources.scale.specReplicasPath: Required value"),
        creating("subresources differing between versions are reported per version", crd -> {
          addVersion(crd).remove("subresources");
          scale(crd).put("specReplicasPath", ".status.replicas");
        }, "spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".status.replicas\": should be a json path under .spec"),
        creating("a column's type is one of five", crd -> column(crd).put("type", "int"),
            "spec.additionalPrinterColumns[0].type: Invalid value: \"int\": must be one of boolean,date,integer,number,string"),
        creating("columns differing between versions are reported per version", crd -> {
          addVersion(crd).remove("additionalPrinterColumns");
          column(crd).put("type", "int");
        }, "spec.versions[0].additionalPrinterColumns[0].type: Invalid value: \"int\": must be one of boolean,date,integer,number,string"),
        creating("a column's format is an OpenAPI format", crd -> column(crd).put("format", "uuid"),
            "spec.additionalPrinterColumns[0].format: Invalid value: \"uuid\": must be one of byte,date,date-time,double,float,int32,int64,password"),
        creating("a column's path starts with a dot", crd -> column(crd).put("jsonPath", "spec.replicas"),
            "spec.additionalPrinterColumns[0].JSONPath: Invalid value: \"spec.replicas\": must be a simple json path starting with ."),
        creating("a column needs a name, a type and a path", crd -> {
          column(crd).remove("name");
          column(crd).remove("type");
          column(crd).remove("jsonPath");
        }, "spec.additionalPrinterColumns[0].name: Required value",
            "spec.additionalPrinterColumns[0].type: Required value: must be one of boolean,date,integer,number,string",
            "spec.additionalPrinterColumns[0].JSONPath: Required value"),
        creating("a webhook strategy without its webhook is incomplete, and refused by Dirigent anyway",
            crd -> spec(crd).putObject("conversion").put("strategy", "Webhook"),
            "spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook",
            "spec.conversion.conversionReviewVersions: Required value",
            "spec.conversion.strategy: Forbidden: Dirigent does not call conversion webhooks; only \"None\" is supported here"),
        creating("a complete webhook conversion is refused: Dirigent does not call webhooks",
            crd -> spec(crd).set("conversion", json("""
                {'strategy':'Webhook','webhook':{'clientConfig':{'url':'https://convert.example.com'},
                 'conversionReviewVersions':['v1']}}""")),
            "spec.conversion.strategy: Forbidden: Dirigent does not call conversion webhooks; only \"None\" is supported here"),
        creating("an unknown strategy is refused", crd -> spec(crd).putObject("conversion").put("strategy", "Magic"),
            "spec.conversion.strategy: Unsupported value: \"Magic\": supported values: \"None\", \"Webhook\""),
        creating("a webhook is not configured for the None strategy",
            crd -> ((ObjectNode) crd.path("spec").path("conversion")).putObject("webhook").putObject("clientConfig").put("url", "https://x"),
            "spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook"),
        creating("keeping unknown fields is a schema setting in v1", crd -> spec(crd).put("preserveUnknownFields", true),
            "spec.preserveUnknownFields: Invalid value: \"true\": cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"),
        creating("only a deprecated version has a deprecation warning",
            crd -> version(crd, 0).put("deprecationWarning", "use v2"),
            "spec.versions[0].deprecationWarning: Invalid value: \"use v2\": can only be set for deprecated versions"),
        creating("a group Kubernetes keeps for itself needs an approval annotation", crd -> {
          spec(crd).put("group", "widgets.k8s.io");
          ((ObjectNode) crd.path("metadata")).put("name", "crontabs.widgets.k8s.io");
        }, "metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have"
            + " approval annotation \"api-approved.kubernetes.io\", see https://github.com/kubernetes/enhancements/pull/1111"),
        creating("an approval annotation is a URL or a reason starting with unapproved", crd -> {
          spec(crd).put("group", "widgets.k8s.io");
          ((ObjectNode) crd.path("metadata")).put("name", "crontabs.widgets.k8s.io")
              .putObject("annotations").put("api-approved.kubernetes.io", "bad value");
        }, "metadata.annotations[api-approved.kubernetes.io]: Invalid value: \"bad value\": protected groups must"
            + " have approval annotation \"api-approved.kubernetes.io\" with either a URL or a reason starting"
            + " with \"unapproved\", see https://github.com/kubernetes/enhancements/pull/1111"),
        creating("an unapproved group is let through as Kubernetes does", crd -> {
          spec(crd).put("group", "widgets.k8s.io");
          ((ObjectNode) crd.path("metadata")).put("name", "crontabs.widgets.k8s.io")
              .putObject("annotations").put("api-approved.kubernetes.io", "unapproved, experimental");
        }),
        creating("an approval annotation links to the approval", crd -> {
          spec(crd).put("group", "widgets.k8s.io");
          ((ObjectNode) crd.path("metadata")).put("name", "crontabs.widgets.k8s.io")
              .putObject("annotations").put("api-approved.kubernetes.io", "https://github.com/kubernetes/kubernetes/pull/1");
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("creates")
  void validatesACreatedCrdAsKubernetes(String sentence, Consumer<ObjectNode> change, List<String> messages) {
    ObjectNode crd = cronTab();
    change.accept(crd);
    assertThat(CrdRules.validate(crd, null)).map(CrdRulesTest::describe)
        .containsExactlyInAnyOrderElementsOf(messages);
  }

  private static Arguments updating(String sentence, Consumer<ObjectNode> old, Consumer<ObjectNode> change,
      String... messages) {
    return arguments(sentence, old, change, List.of(messages));
  }

  private static void established(ObjectNode crd) {
    ((ObjectNode) crd.path("status")).putArray("conditions").addObject()
        .put("type", "Established").put("status", "True");
  }

  static Stream<Arguments> updates() {
    return Stream.of(
        updating("the group never changes", old -> { }, crd -> spec(crd).put("group", "other.example.com"),
            "spec.group: Invalid value: \"other.example.com\": field is immutable",
            "metadata.name: Invalid value: \"crontabs.stable.example.com\": must be spec.names.plural+\".\"+spec.group"),
        updating("the plural never changes", old -> { }, crd -> names(crd).put("plural", "crons"),
            "spec.names.plural: Invalid value: \"crons\": field is immutable",
            "metadata.name: Invalid value: \"crontabs.stable.example.com\": must be spec.names.plural+\".\"+spec.group"),
        updating("the scope may change before the CRD is established", old -> { },
            crd -> spec(crd).put("scope", "Cluster")),
        updating("the scope is fixed once established", CrdRulesTest::established,
            crd -> spec(crd).put("scope", "Cluster"),
            "spec.scope: Invalid value: \"Cluster\": field is immutable"),
        updating("the kind is fixed once established", CrdRulesTest::established,
            crd -> names(crd).put("kind", "Cron"),
            "spec.names.kind: Invalid value: \"Cron\": field is immutable"),
        updating("a version still stored in may not be dropped",
            old -> ((ObjectNode) old.path("status")).putArray("storedVersions").add("v1beta1").add("v1"),
            crd -> { }, STORED_V1BETA1),
        updating("a CRD stored without schemas may stay so, but served versions prune everything",
            old -> version(old, 0).remove("schema"), crd -> version(crd, 0).remove("schema"),
            "spec.versions[0].schema.openAPIV3Schema: Required value: because otherwise all fields are pruned"),
        updating("an approval annotation already invalid is not held against an update",
            old -> {
              spec(old).put("group", "widgets.k8s.io");
              ((ObjectNode) old.path("metadata")).put("name", "crontabs.widgets.k8s.io")
                  .putObject("annotations").put("api-approved.kubernetes.io", "bad value");
            },
            crd -> names(crd).putArray("categories").add("all")),
        updating("a webhook conversion stays refused on update", old -> { },
            crd -> spec(crd).set("conversion", json("""
                {'strategy':'Webhook','webhook':{'clientConfig':{'url':'https://convert.example.com'},
                 'conversionReviewVersions':['v1']}}""")),
            "spec.conversion.strategy: Forbidden: Dirigent does not call conversion webhooks; only \"None\" is supported here"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void validatesAnUpdateAgainstTheStoredCrd(String sentence, Consumer<ObjectNode> oldChange,
      Consumer<ObjectNode> change, List<String> messages) {
    ObjectNode old = cronTab();
    old.putObject("status").putArray("storedVersions").add("v1");
    oldChange.accept(old);
    ObjectNode crd = old.deepCopy();
    change.accept(crd);
    assertThat(CrdRules.validate(crd, old)).map(CrdRulesTest::describe)
        .containsExactlyInAnyOrderElementsOf(messages);
  }

  @org.junit.jupiter.api.Test
  void aStatusUpdateChecksTheAcceptedNames() {
    ObjectNode crd = cronTab();
    crd.putObject("status").set("acceptedNames", json("{'plural':'Crontabs','kind':'CronTab','listKind':'CronTab'}"));
    assertThat(CrdRules.validateStatus(crd)).map(FieldError::message).containsExactly(
        "status.acceptedNames.plural: Invalid value: \"Crontabs\": " + DNS1035,
        "status.acceptedNames.listKind: Invalid value: \"CronTab\": kind and listKind may not be the same");
  }

  @ParameterizedTest(name = "a CRD with {0} is reported, not thrown on")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      a spec that is a string                | {'spec':'x'}
      versions that are an object            | {'spec':{'versions':{'name':'v1'}}}
      versions that are strings              | {'spec':{'versions':['v1',3,null]}}
      names that are a list                  | {'spec':{'names':['a']}}
      short names and categories as objects  | {'spec':{'names':{'shortNames':{'a':1},'categories':'x'}}}
      columns, scale and conversion mistyped | {'spec':{'versions':[{'name':'v1','storage':true,'additionalPrinterColumns':{'a':1},'subresources':{'scale':'x'}}],'conversion':{'strategy':'Webhook','webhook':{'conversionReviewVersions':{'a':1}}}}}
      a status that is a number              | {'spec':{},'status':7}
      """)
  void mistypedPartsNeverBreakDefaultingValidationOrNaming(String sentence, String crdJson) {
    ObjectNode crd = json(crdJson);
    CrdDefaults.apply(crd);
    assertThat(CrdRules.validate(crd, null)).isNotEmpty();
    assertThat(CrdRules.validate(crd, crd.deepCopy())).isNotEmpty();
    CrdRules.validateStatus(crd);
    assertThat(CrdNames.status(crd, List.of(crd), java.util.Set.of(), java.time.Instant.EPOCH)).isNotNull();
  }

  /** The message, without the whole versions list Kubernetes repeats as the bad value. */
  private static String describe(FieldError error) {
    return error.field().equals("spec.versions") ? error.field() + ": " + error.detail() : error.message();
  }
}
