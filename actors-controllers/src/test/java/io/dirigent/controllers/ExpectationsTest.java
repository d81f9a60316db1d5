package io.dirigent.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.testing.ManualClock;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a controller waits for before it acts again, on a manual clock, in tables after Kubernetes'
 * TestControllerExpectations (controller_utils_test.go). Each case is a few steps on one
 * controller's key {@code ns/web}:
 * {@code expect ADDS DELETES}, {@code created}, {@code deleted}, {@code create failed}, {@code delete failed},
 * {@code forget}, {@code advance DURATION}, and {@code other created} for another key's observation.
 */
class ExpectationsTest {

  private static final String KEY = "ns/web";

  static Stream<Arguments> steps() {
    return Stream.of(
        arguments("a key with no expectations is satisfied", List.of(), true),
        arguments("creates expected and none seen yet: it waits", List.of("expect 2 0"), false),
        arguments("some of the expected creates seen: it waits", List.of("expect 2 0", "created"), false),
        arguments("every expected create seen: satisfied", List.of("expect 2 0", "created", "created"), true),
        arguments("more creates seen than expected (surpassed): satisfied", List.of("expect 1 0", "created", "created"), true),
        arguments("every create seen but a delete still expected: it waits", List.of("expect 2 1", "created", "created"), false),
        arguments("every create and delete seen: satisfied", List.of("expect 1 1", "created", "deleted"), true),
        arguments("another key's observations do not count", List.of("expect 1 0", "other created"), false),
        arguments("nothing seen for exactly the TTL: it still waits", List.of("expect 1 0", "advance PT5M"), false),
        arguments("nothing seen for longer than the TTL: the expectations expire", List.of("expect 1 0", "advance PT5M0.001S"), true),
        arguments("forgotten expectations (the owner is gone): satisfied", List.of("expect 3 0", "forget"), true),
        arguments("one create of five failed: the four that were made are still awaited", List.of("expect 5 0", "create failed"), false),
        arguments("one create of five failed and three of the others seen: it waits for the fourth",
            List.of("expect 5 0", "create failed", "created", "created", "created"), false),
        arguments("one create of five failed and the other four seen: satisfied",
            List.of("expect 5 0", "create failed", "created", "created", "created", "created"), true),
        arguments("every create failed: satisfied at once", List.of("expect 2 0", "create failed", "create failed"), true),
        arguments("one delete of two failed (or found the pod gone): the other is still awaited", List.of("expect 0 2", "delete failed"), false),
        arguments("one delete of two failed and the other seen: satisfied", List.of("expect 0 2", "delete failed", "deleted"), true),
        arguments("a failed create does not count off a delete", List.of("expect 1 1", "create failed"), false),
        arguments("new expectations replace the old ones", List.of("expect 1 0", "created", "expect 2 0", "created"), false),
        arguments("new expectations start their TTL again", List.of("expect 1 0", "advance PT4M", "expect 1 0", "advance PT4M"), false),
        arguments("what was seen before anything was expected does not count toward what is expected later",
            List.of("created", "created", "expect 2 0"), false),
        arguments("expectations met are gone: what is seen later does not count toward the next ones",
            List.of("expect 1 0", "created", "satisfied?", "created", "expect 1 0"), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("steps")
  void isSatisfied(String why, List<String> steps, boolean satisfied) {
    ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    Expectations expectations = new Expectations(clock);
    for (String step : steps) {
      String[] words = step.split(" ");
      switch (step.endsWith(" failed") ? step : words[0]) {
        case "expect" -> expectations.expect(KEY, Integer.parseInt(words[1]), Integer.parseInt(words[2]));
        case "created" -> expectations.created(KEY);
        case "deleted" -> expectations.deleted(KEY);
        case "create failed" -> expectations.createFailed(KEY);
        case "delete failed" -> expectations.deleteFailed(KEY);
        case "forget" -> expectations.forget(KEY);
        case "advance" -> clock.advance(Duration.parse(words[1]));
        case "other" -> expectations.created("ns/other");
        case "satisfied?" -> assertThat(expectations.satisfied(KEY)).as("satisfied before the last steps").isTrue();
        default -> throw new IllegalArgumentException("unknown step " + step);
      }
    }
    assertThat(expectations.satisfied(KEY)).isEqualTo(satisfied);
  }

  private static final OwnerReference CONTROLLER = new OwnerReferenceBuilder()
      .withApiVersion("apps/v1").withKind("ReplicaSet").withName("web").withUid("rs-uid").withController(true).build();

  private static ObjectNode pod(String deletionTimestamp, OwnerReference... owners) {
    return KubeJson.toTree(new PodBuilder().withNewMetadata().withNamespace("ns").withName("web-abcde").withUid("pod-uid")
        .withDeletionTimestamp(deletionTimestamp).withOwnerReferences(owners).endMetadata().build());
  }

  static Stream<Arguments> podChanges() {
    ObjectNode owned = pod(null, CONTROLLER);
    ObjectNode marked = pod("2024-05-01T12:00:30Z", CONTROLLER);
    OwnerReference daemonSet = new OwnerReferenceBuilder(CONTROLLER).withKind("DaemonSet").build();
    OwnerReference notController = new OwnerReferenceBuilder(CONTROLLER).withController(false).build();
    return Stream.of(
        arguments("a pod seen for the first time is its owner's create", 1, 0, new Controller.Change(owned, null, false), List.of(KEY), true),
        arguments("a change to a pod already seen counts for nothing", 1, 0, new Controller.Change(owned, owned, false), List.of(KEY), false),
        arguments("a pod gone from the store is its owner's delete", 0, 1, new Controller.Change(owned, null, true), List.of(KEY), true),
        arguments("a pod marked for deletion is not a delete yet: it counts once it is gone", 0, 1,
            new Controller.Change(marked, owned, false), List.of(KEY), false),
        arguments("a pod another kind controls is not this owner's", 1, 0,
            new Controller.Change(pod(null, daemonSet), null, false), List.of(), false),
        arguments("an owner that is not the pod's controller does not hear of it", 1, 0,
            new Controller.Change(pod(null, notController), null, false), List.of(), false),
        arguments("an orphan is no owner's", 1, 0, new Controller.Change(pod(null), null, false), List.of(), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podChanges")
  void aPodChangeIsCountedOffItsController(String why, int adds, int deletes, Controller.Change change, List<String> keys, boolean satisfied) {
    Expectations expectations = new Expectations(new ManualClock(Instant.parse("2024-05-01T12:00:00Z")));
    expectations.expect(KEY, adds, deletes);
    assertThat(expectations.ownerOfPod(change, "ReplicaSet")).isEqualTo(keys);
    assertThat(expectations.satisfied(KEY)).isEqualTo(satisfied);
  }
}
