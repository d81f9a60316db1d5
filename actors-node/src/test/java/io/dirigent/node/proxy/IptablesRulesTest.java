package io.dirigent.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IptablesRulesTest {

  private final IptablesRules rules = new IptablesRules("DIRIGENT", "10.96.0.0/16");

  private static ServiceRule web(List<ServiceRule.Endpoint> endpoints) {
    return new ServiceRule("default/web:http", "10.96.0.10", 80, "TCP", 30080, endpoints);
  }

  @Test
  void threeEndpointsArePickedWithProbabilitiesThatMakeThemEquallyLikely() {
    String text = rules.render(List.of(web(List.of(new ServiceRule.Endpoint("172.17.0.2", 8888),
        new ServiceRule.Endpoint("172.17.0.3", 8888), new ServiceRule.Endpoint("172.17.0.4", 8888)))), Set.of());
    String svc = rules.chain("SVC", "default/web:http");
    List<String> picks = text.lines().filter(line -> line.startsWith("-A " + svc + " ") && line.contains("-SEP-")).toList();
    assertThat(picks).hasSize(3);
    assertThat(picks.get(0)).contains("--probability 0.33333333333");
    assertThat(picks.get(1)).contains("--probability 0.50000000000");
    assertThat(picks.get(2)).doesNotContain("statistic");
    assertThat(text).contains("-A DIRIGENT-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment \"default/web:http\" -m tcp --dport 80 -j " + svc);
    assertThat(text).contains("-A DIRIGENT-NODEPORTS -p tcp -m comment --comment \"default/web:http\" -m tcp --dport 30080 -j " + svc);
    assertThat(text).contains("-j DNAT --to-destination 172.17.0.3:8888");
    assertThat(text).contains("-A DIRIGENT-FIREWALL -d 10.96.0.0/16").contains("-j REJECT");
    // The NodePort jump comes last, after every ClusterIP rule.
    List<String> services = text.lines().filter(line -> line.startsWith("-A DIRIGENT-SERVICES ")).toList();
    assertThat(services.get(services.size() - 1)).contains("--dst-type LOCAL").endsWith("-j DIRIGENT-NODEPORTS");
  }

  @Test
  void aServiceWithoutEndpointsGetsNoRuleSoTheFirewallRejectsIt() {
    String text = rules.render(List.of(web(List.of())), Set.of());
    assertThat(text).doesNotContain("-SVC-").doesNotContain("-j DNAT");
  }

  @Test
  void chainsOfEarlierSyncsAreEmptiedAndRemovedInTheSameTransaction() {
    String text = rules.render(List.of(), Set.of("DIRIGENT-SVC-OLD"));
    assertThat(text).contains(":DIRIGENT-SVC-OLD - [0:0]").contains("-X DIRIGENT-SVC-OLD");
    assertThat(rules.isDynamic("DIRIGENT-SEP-ABC")).isTrue();
    assertThat(rules.isDynamic("DOCKER")).isFalse();
  }

  @Test
  void incomingPacketsAddressedToLoopbackAreDroppedSinceRouteLocalnetIsOn() {
    String text = rules.render(List.of(), Set.of());
    assertThat(text).contains("-A DIRIGENT-LOCALNET -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT");
    assertThat(rules.jumps()).contains(List.of("filter", "INPUT", "-m", "comment", "--comment", "dirigent localnet guard", "-j", "DIRIGENT-LOCALNET"));
  }

  @Test
  void aNameCannotLeaveItsCommentWhateverItHolds() {
    String hostile = "default/web:p\"\nCOMMIT\n*filter\n-I INPUT 1 -p tcp --dport 22 -j DROP\nCOMMIT\n";
    String text = rules.render(List.of(new ServiceRule(hostile, "10.96.0.10", 80, "TCP", 0,
        List.of(new ServiceRule.Endpoint("172.17.0.2", 80)))), Set.of());
    assertThat(text.lines().filter(line -> line.startsWith("*")).toList()).containsExactly("*nat", "*filter");
    assertThat(text.lines().filter(line -> line.equals("COMMIT")).count()).isEqualTo(2);
    assertThat(text).doesNotContain("-I INPUT").contains("--comment \"default/web:p__COMMIT__filter_-I_INPUT_1_-p_tcp_--dport_22_-j_DROP_COMMIT_\"");
    assertThat(IptablesRules.comment("x".repeat(500))).hasSize(200);
  }

  @Test
  void chainNamesFitIptablesLimit() {
    assertThat(rules.chain("SEP", "a very long service name/with a port:and-an-endpoint")).hasSizeLessThanOrEqualTo(28);
    assertThatThrownBy(() -> new IptablesRules("TOOLONGPREFIX", "10.96.0.0/16")).isInstanceOf(IllegalArgumentException.class);
  }
}
