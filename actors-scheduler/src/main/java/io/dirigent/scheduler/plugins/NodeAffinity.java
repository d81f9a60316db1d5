package io.dirigent.scheduler.plugins;

import io.dirigent.scheduler.FilterPlugin;
import io.dirigent.scheduler.NodeInfo;
import io.dirigent.scheduler.PodInfo;
import io.dirigent.scheduler.Status;
import io.dirigent.scheduler.ScorePlugin;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import java.util.List;
import java.util.Map;

/**
 * {@code nodeSelector} and node affinity: the required terms filter (any term may match; within
 * a term every expression must), the preferred terms score by the weights of those that match.
 * Operators In, NotIn, Exists, DoesNotExist, Gt and Lt; {@code matchFields} on
 * {@code metadata.name}.
 */
public final class NodeAffinity implements FilterPlugin, ScorePlugin {

  static final String REASON = "node(s) didn't match Pod's node affinity/selector";

  @Override
  public String name() {
    return "NodeAffinity";
  }

  @Override
  public Status filter(PodInfo pod, NodeInfo node) {
    Map<String, String> labels = node.labels();
    for (var selector : pod.nodeSelector().entrySet()) {
      if (!selector.getValue().equals(labels.get(selector.getKey()))) {
        return Status.unresolvable(REASON);
      }
    }
    var affinity = pod.affinity() == null ? null : pod.affinity().getNodeAffinity();
    var required = affinity == null ? null : affinity.getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required == null || required.getNodeSelectorTerms() == null || required.getNodeSelectorTerms().isEmpty()) {
      return Status.success();
    }
    for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
      if (matches(term, node)) {
        return Status.success();
      }
    }
    return Status.unresolvable(REASON);
  }

  @Override
  public int weight() {
    return 2;
  }

  @Override
  public long score(PodInfo pod, NodeInfo node) {
    var affinity = pod.affinity() == null ? null : pod.affinity().getNodeAffinity();
    List<PreferredSchedulingTerm> preferred = affinity == null ? null : affinity.getPreferredDuringSchedulingIgnoredDuringExecution();
    if (preferred == null) {
      return 0;
    }
    long sum = 0;
    for (PreferredSchedulingTerm term : preferred) {
      if (term.getPreference() != null && matches(term.getPreference(), node)) {
        sum += term.getWeight() == null ? 0 : term.getWeight();
      }
    }
    return sum;
  }

  @Override
  public void normalize(PodInfo pod, long[] scores) {
    ScorePlugin.byMax(scores, false, 0);
  }

  /** A term matches when all its expressions and fields do; an empty term matches nothing. */
  static boolean matches(NodeSelectorTerm term, NodeInfo node) {
    List<NodeSelectorRequirement> expressions = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
    if (expressions.isEmpty() && fields.isEmpty()) {
      return false;
    }
    for (NodeSelectorRequirement expression : expressions) {
      if (!matches(expression, node.labels().get(expression.getKey()), node.labels().containsKey(expression.getKey()))) {
        return false;
      }
    }
    for (NodeSelectorRequirement field : fields) {
      boolean known = "metadata.name".equals(field.getKey());
      if (!known || !matches(field, node.name(), true)) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(NodeSelectorRequirement requirement, String value, boolean present) {
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> present && values.contains(value);
      case "NotIn" -> !present || !values.contains(value);
      case "Exists" -> present;
      case "DoesNotExist" -> !present;
      case "Gt", "Lt" -> present && values.size() == 1 && compare(requirement.getOperator(), value, values.get(0));
      default -> false;
    };
  }

  private static boolean compare(String operator, String value, String bound) {
    try {
      long actual = Long.parseLong(value);
      long limit = Long.parseLong(bound);
      return operator.equals("Gt") ? actual > limit : actual < limit;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
