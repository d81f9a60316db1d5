package io.dirigent.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyRulesTest {

  private static final UserInfo ALICE = UserInfo.authenticated("alice", "", List.of());

  private static Rule rule(List<String> verbs, List<String> groups, List<String> resources, List<String> names) {
    return new Rule(verbs, groups, resources, names, List.of());
  }

  private static Rule paths(List<String> verbs, List<String> urls) {
    return new Rule(verbs, List.of(), List.of(), List.of(), urls);
  }

  private static AccessRequest request(String verb, String group, String resource, String subresource, String name) {
    return AccessRequest.resource(ALICE, verb, group, resource, subresource, "default", name);
  }

  static Stream<Arguments> cases() {
    Rule readPods = rule(List.of("get", "list"), List.of(""), List.of("pods"), List.of());
    return Stream.of(
        Arguments.of("a rule allows a verb it lists on a resource it lists", readPods, request("get", "", "pods", "", "web"), true),
        Arguments.of("a verb the rule does not list is not allowed", readPods, request("delete", "", "pods", "", "web"), false),
        Arguments.of("a resource of another API group is not the same resource", readPods, request("get", "apps", "pods", "", "web"), false),
        Arguments.of("a subresource needs its own entry", readPods, request("get", "", "pods", "log", "web"), false),
        Arguments.of("resource/subresource allows the subresource",
            rule(List.of("get"), List.of(""), List.of("pods/log"), List.of()), request("get", "", "pods", "log", "web"), true),
        Arguments.of("*/subresource allows that subresource of any resource",
            rule(List.of("get"), List.of("*"), List.of("*/status"), List.of()), request("get", "apps", "deployments", "status", "web"), true),
        Arguments.of("* allows every verb, group and resource",
            rule(List.of("*"), List.of("*"), List.of("*"), List.of()), request("deletecollection", "apps", "replicasets", "", ""), true),
        Arguments.of("resourceNames limit the rule to those objects",
            rule(List.of("get"), List.of(""), List.of("secrets"), List.of("token")), request("get", "", "secrets", "", "other"), false),
        Arguments.of("a named object in resourceNames is allowed",
            rule(List.of("get"), List.of(""), List.of("secrets"), List.of("token")), request("get", "", "secrets", "", "token"), true),
        Arguments.of("resourceNames never allow a list (it names no object)",
            rule(List.of("list"), List.of(""), List.of("secrets"), List.of("token")), request("list", "", "secrets", "", ""), false),
        Arguments.of("a resource rule allows no path", readPods, AccessRequest.nonResource(ALICE, "get", "/version"), false),
        Arguments.of("a path rule allows its path", paths(List.of("get"), List.of("/version")), AccessRequest.nonResource(ALICE, "get", "/version"), true),
        Arguments.of("a path rule ending in * allows what starts with it",
            paths(List.of("get"), List.of("/apis/*")), AccessRequest.nonResource(ALICE, "get", "/apis/apps/v1"), true),
        Arguments.of("a path rule allows no other path", paths(List.of("get"), List.of("/version")), AccessRequest.nonResource(ALICE, "get", "/metrics"), false),
        Arguments.of("a path rule allows no resource", paths(List.of("*"), List.of("*")), request("get", "", "pods", "", "web"), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rulesAllowWhatTheyNameAndNothingElse(String name, Rule rule, AccessRequest request, boolean allowed) {
    assertThat(PolicyRules.allows(rule, request)).isEqualTo(allowed);
  }

  static Stream<Arguments> coverage() {
    Rule readPods = rule(List.of("get", "list", "watch"), List.of(""), List.of("pods"), List.of());
    return Stream.of(
        Arguments.of("the same rule covers itself", List.of(readPods), readPods, 0),
        Arguments.of("a wider rule covers a narrower one", List.of(rule(List.of("*"), List.of("*"), List.of("*"), List.of())), readPods, 0),
        Arguments.of("each verb not held is reported", List.of(rule(List.of("get"), List.of(""), List.of("pods"), List.of())), readPods, 2),
        Arguments.of("a rule for some names does not cover one for all",
            List.of(rule(List.of("get"), List.of(""), List.of("secrets"), List.of("a"))), rule(List.of("get"), List.of(""), List.of("secrets"), List.of()), 1),
        Arguments.of("resource/* covers nothing (the authorizer does not match it either)",
            List.of(rule(List.of("get"), List.of(""), List.of("pods/*"), List.of())), rule(List.of("get"), List.of(""), List.of("pods/log"), List.of()), 1),
        Arguments.of("*/subresource covers that subresource of any resource",
            List.of(rule(List.of("get"), List.of(""), List.of("*/log"), List.of())), rule(List.of("get"), List.of(""), List.of("pods/log"), List.of()), 0),
        Arguments.of("a path rule with * covers paths under it",
            List.of(paths(List.of("get"), List.of("/apis/*"))), paths(List.of("get"), List.of("/apis/apps")), 0),
        Arguments.of("nothing held covers nothing", List.of(), readPods, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("coverage")
  void uncoveredPartsAreEveryVerbAndResourceNotHeld(String name, List<Rule> held, Rule requested, int missing) {
    assertThat(PolicyRules.uncovered(held, requested)).hasSize(missing);
  }
}
