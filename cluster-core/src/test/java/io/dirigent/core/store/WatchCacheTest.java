package io.dirigent.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.store.WatchCache.Change;
import io.dirigent.core.store.WatchCache.Page;
import io.dirigent.core.store.WatchEvent.Type;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WatchCacheTest {

  private static final String EPOCH = "epoch-1";
  private static final Predicate<ObjectNode> ALL = o -> true;
  /** No selector: lists count what is left after a page. */
  private static final Predicate<ObjectNode> UNSELECTED = null;

  private final WatchCache cache = new WatchCache("configmaps", 100, EPOCH);

  @Test
  void applyPublishesAddedModifiedAndDeletedWithThePreviousVersion() {
    Change added = cache.apply("ns/a", 1, object("ns/a", 1), false);
    Change modified = cache.apply("ns/a", 2, object("ns/a", 2), false);
    Change deleted = cache.apply("ns/a", 3, object("ns/a", 3), true);

    assertThat(List.of(added, modified, deleted))
        .extracting(Change::type, Change::resourceVersion, c -> c.previous() == null ? 0 : KubeJson.resourceVersion(c.previous()))
        .containsExactly(
            tuple(Type.ADDED, 1L, 0L),
            tuple(Type.MODIFIED, 2L, 1L),
            tuple(Type.DELETED, 3L, 2L));
    assertThat(deleted.object()).isEqualTo(object("ns/a", 3));
    assertThat(cache.size()).isZero();
    assertThat(cache.resourceVersion()).isEqualTo(3);
  }

  /** One notification: key, version, whether it is a deletion. */
  record Apply(String key, long version, boolean deleted) {}

  static Stream<Arguments> repeats() {
    return Stream.of(
        arguments("the same version again", List.of(new Apply("ns/a", 2, false)), new Apply("ns/a", 2, false)),
        arguments("an older version", List.of(new Apply("ns/a", 5, false)), new Apply("ns/a", 3, false)),
        arguments("an older version of a deleted object",
            List.of(new Apply("ns/a", 2, false), new Apply("ns/a", 4, true)), new Apply("ns/a", 3, false)),
        arguments("a repeated deletion", List.of(new Apply("ns/a", 2, false), new Apply("ns/a", 4, true)), new Apply("ns/a", 4, true)),
        arguments("an older version of an object deleted before the cache saw it",
            List.of(new Apply("ns/a", 4, true)), new Apply("ns/a", 2, false)));
  }

  @ParameterizedTest(name = "{0} is ignored")
  @MethodSource("repeats")
  void aRepeatedOrOlderVersionIsIgnored(String sentence, List<Apply> before, Apply repeat) {
    before.forEach(this::apply);
    List<ObjectNode> listed = cache.snapshot(null, ALL);

    assertThat(apply(repeat)).isNull();
    assertThat(cache.snapshot(null, ALL)).isEqualTo(listed);
  }

  static Stream<Arguments> lists() {
    Predicate<ObjectNode> web = o -> "web".equals(o.at("/metadata/labels/tier").asText());
    return Stream.of(
        arguments("all namespaces in key order", "", ALL, List.of("a/x", "a/y", "ab/z", "b/x")),
        arguments("one namespace and not one that shares its prefix", "a", ALL, List.of("a/x", "a/y")),
        arguments("the objects the predicate accepts", "", web, List.of("a/y", "b/x")),
        arguments("both at once", "a", web, List.of("a/y")));
  }

  @ParameterizedTest(name = "a list returns {0}")
  @MethodSource("lists")
  void listFiltersByNamespaceAndPredicate(String sentence, String namespace, Predicate<ObjectNode> filter, List<String> keys) {
    cache.apply("b/x", 1, web("b/x", 1), false);
    cache.apply("a/y", 2, web("a/y", 2), false);
    cache.apply("ab/z", 3, object("ab/z", 3), false);
    cache.apply("a/x", 4, object("a/x", 4), false);

    Page page = cache.list(namespace, filter, 0, null);

    assertThat(page.items()).extracting(WatchCacheTest::key).isEqualTo(keys);
    assertThat(page.resourceVersion()).isEqualTo(4);
    assertThat(page.continueToken()).isNull();
  }

  @Test
  void aSelectedPageSaysThereIsMoreWithoutCountingIt() {
    for (String name : List.of("a", "b", "c", "d", "e")) {
      cache.apply("ns/" + name, cache.resourceVersion() + 1, object("ns/" + name, cache.resourceVersion() + 1), false);
    }
    Predicate<ObjectNode> notC = object -> !KubeJson.name(object).equals("c");

    Page first = cache.list("ns", notC, 2, null);
    Page second = cache.list("ns", notC, 2, first.continueToken());

    assertThat(first.items()).extracting(WatchCacheTest::key).containsExactly("ns/a", "ns/b");
    assertThat(first.remaining()).isEqualTo(WatchCache.UNCOUNTED);
    assertThat(first.continueToken()).isNotNull();
    assertThat(second.items()).extracting(WatchCacheTest::key).containsExactly("ns/d", "ns/e");
    assertThat(second.remaining()).isZero();
    assertThat(second.continueToken()).isNull();
  }

  @Test
  void aTokenFromAnotherNamespacesListIsABadRequestNotACrash() {
    for (String key : List.of("a/1", "a/2", "a/3", "b/1")) {
      cache.apply(key, cache.resourceVersion() + 1, object(key, cache.resourceVersion() + 1), false);
    }
    String fromA = cache.list("a", UNSELECTED, 1, null).continueToken();

    assertThatThrownBy(() -> cache.list("b", UNSELECTED, 1, fromA))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreError.Reason.BAD_REQUEST))
        .hasMessageContaining("continues a list of another namespace");
    assertThatThrownBy(() -> cache.list(null, UNSELECTED, 1, fromA)).isInstanceOf(StoreException.class);
    String everywhere = cache.list(null, UNSELECTED, 1, null).continueToken();
    assertThatThrownBy(() -> cache.list("a", UNSELECTED, 1, everywhere)).isInstanceOf(StoreException.class);
    assertThat(cache.list("a", UNSELECTED, 1, fromA).items()).extracting(WatchCacheTest::key).containsExactly("a/2");
  }

  @Test
  void pagesContinueTheListAsOfTheFirstPageDespiteLaterChanges() {
    for (String name : List.of("a", "b", "c", "d", "e")) {
      cache.apply("ns/" + name, cache.resourceVersion() + 1, object("ns/" + name, cache.resourceVersion() + 1), false);
    }
    Page first = cache.list("ns", UNSELECTED, 2, null);
    cache.apply("ns/c", 6, object("ns/c", 6), false);
    cache.apply("ns/d", 7, object("ns/d", 7), true);
    cache.apply("ns/cc", 8, object("ns/cc", 8), false);

    Page second = cache.list("ns", UNSELECTED, 2, first.continueToken());
    Page third = cache.list("ns", UNSELECTED, 2, second.continueToken());

    assertThat(first.items()).extracting(WatchCacheTest::key).containsExactly("ns/a", "ns/b");
    assertThat(first.remaining()).isEqualTo(3);
    assertThat(second.items()).containsExactly(object("ns/c", 3), object("ns/d", 4));
    assertThat(second.remaining()).isEqualTo(1);
    assertThat(third.items()).containsExactly(object("ns/e", 5));
    assertThat(third.continueToken()).isNull();
    assertThat(List.of(first, second, third)).extracting(Page::resourceVersion).containsOnly(5L);
    assertThat(cache.list("ns", UNSELECTED, 0, null).items()).extracting(WatchCacheTest::key)
        .containsExactly("ns/a", "ns/b", "ns/c", "ns/cc", "ns/e");
  }

  @Test
  void aPageBoundedInBytesEndsBeforeItsObjectsPassTheBoundAndTheRestFollowsAtTheSameVersion() {
    for (String name : List.of("a", "b", "c", "d", "e")) {
      ObjectNode object = object("ns/" + name, cache.resourceVersion() + 1);
      object.putObject("data").put("v", (name.equals("d") ? "y" : "x").repeat(name.equals("d") ? 5_000 : 1_000));
      cache.apply("ns/" + name, cache.resourceVersion() + 1, object, false);
    }
    long about = KubeJson.approximateSize(cache.list("ns", UNSELECTED, 1, null).items().get(0));
    assertThat(about).as("the estimate of a ConfigMap of 1,000 characters").isBetween(1_050L, 1_150L);

    Page first = cache.list("ns", UNSELECTED, 0, null, 2_500);
    cache.apply("ns/b", 6, object("ns/b", 6), false);
    Page second = cache.list("ns", UNSELECTED, 0, first.continueToken(), 2_500);
    Page third = cache.list("ns", UNSELECTED, 0, second.continueToken(), 2_500);

    assertThat(first.items()).extracting(WatchCacheTest::key).containsExactly("ns/a", "ns/b");
    assertThat(first.remaining()).isEqualTo(3);
    // An object larger than the bound alone still makes a page.
    assertThat(second.items()).extracting(WatchCacheTest::key).containsExactly("ns/c");
    assertThat(third.items()).extracting(WatchCacheTest::key).containsExactly("ns/d");
    Page last = cache.list("ns", UNSELECTED, 0, third.continueToken(), 2_500);
    assertThat(last.items()).extracting(WatchCacheTest::key).containsExactly("ns/e");
    assertThat(last.continueToken()).isNull();
    assertThat(List.of(first, second, third, last)).extracting(Page::resourceVersion).containsOnly(5L);
    assertThat(cache.list("ns", UNSELECTED, 0, null, 0).items()).hasSize(5);
  }

  @Test
  void aContinueTokenFromAnotherEpochIsGone() {
    WatchCache before = new WatchCache("configmaps", 100, "epoch-0");
    before.apply("ns/a", 1, object("ns/a", 1), false);
    before.apply("ns/b", 2, object("ns/b", 2), false);
    String token = before.list("ns", ALL, 1, null).continueToken();

    assertThatThrownBy(() -> cache.list("ns", ALL, 1, token))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.reason()).isEqualTo(StoreError.Reason.GONE));
  }

  @Test
  void aContinueTokenWhosePositionFellOutOfTheWindowIsGone() {
    WatchCache small = new WatchCache("configmaps", 2, EPOCH);
    small.apply("ns/a", 1, object("ns/a", 1), false);
    small.apply("ns/b", 2, object("ns/b", 2), false);
    String token = small.list("ns", ALL, 1, null).continueToken();
    small.apply("ns/c", 3, object("ns/c", 3), false);
    small.apply("ns/d", 4, object("ns/d", 4), false);
    small.apply("ns/e", 5, object("ns/e", 5), false);

    assertThatThrownBy(() -> small.list("ns", ALL, 1, token))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.error()).isEqualTo(StoreError.of(StoreError.Reason.GONE,
            "The provided continue parameter is too old to display a consistent list result."
                + " Start a new list without the continue parameter.")));
  }

  static Stream<Arguments> garbageTokens() {
    return Stream.of(
        arguments("text that is not base64", "not a token!"),
        arguments("base64 of too few parts", base64("epoch-1\n3")),
        arguments("base64 of a position that is not a number", base64("epoch-1\nthree\n3\nns/a")));
  }

  @ParameterizedTest(name = "{0} is a bad request")
  @MethodSource("garbageTokens")
  void aGarbageContinueTokenIsABadRequest(String sentence, String token) {
    cache.apply("ns/a", 1, object("ns/a", 1), false);

    assertThatThrownBy(() -> cache.list("ns", ALL, 1, token))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.error()).isEqualTo(
            StoreError.of(StoreError.Reason.BAD_REQUEST, "continue key is not valid: " + token)));
  }

  static Stream<Arguments> watches() {
    return Stream.of(
        arguments("a retained version replays what came after it", 2L, List.of(4L, 5L)),
        arguments("the latest version replays nothing", 5L, List.of()),
        arguments("a version never released replays what came after it", 3L, List.of(4L, 5L)),
        arguments("a future version replays nothing", 9L, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("watches")
  void watchFromAVersionReplaysExactlyTheLaterChanges(String sentence, long from, List<Long> replayed) {
    cache.apply("ns/a", 1, object("ns/a", 1), false);
    cache.apply("ns/b", 2, object("ns/b", 2), false);
    // version 3 was handed out and abandoned
    cache.apply("ns/a", 4, object("ns/a", 4), false);
    cache.apply("ns/b", 5, object("ns/b", 5), true);

    WatchCache.Start start = cache.watchFrom(from);

    assertThat(start.gone()).isNull();
    assertThat(start.replay()).extracting(Change::resourceVersion).isEqualTo(replayed);
  }

  @Test
  void watchFromTheBaseVersionAfterAResetReplaysEverySinceTheReset() {
    cache.reset(Map.of("ns/a", object("ns/a", 7), "ns/b", object("ns/b", 10)), 10);
    cache.apply("ns/c", 11, object("ns/c", 11), false);
    cache.apply("ns/a", 12, object("ns/a", 12), false);

    WatchCache.Start start = cache.watchFrom(10);

    assertThat(start.replay()).extracting(Change::type, Change::resourceVersion).containsExactly(
        tuple(Type.ADDED, 11L), tuple(Type.MODIFIED, 12L));
    assertThat(cache.snapshot(null, ALL)).extracting(WatchCacheTest::key).containsExactly("ns/a", "ns/b", "ns/c");
  }

  @Test
  void watchFromAVersionOlderThanTheWindowIsGone() {
    cache.reset(Map.of(), 10);
    cache.apply("ns/c", 11, object("ns/c", 11), false);

    WatchCache.Start start = cache.watchFrom(9);

    assertThat(start.replay()).isEmpty();
    assertThat(start.gone()).isEqualTo(StoreError.of(StoreError.Reason.GONE, "too old resource version: 9 (10)"));
  }

  @Test
  void theWindowCapacityTrimsTheOldestChanges() {
    WatchCache small = new WatchCache("configmaps", 2, EPOCH);
    for (long version = 1; version <= 4; version++) {
      small.apply("ns/a", version, object("ns/a", version), false);
    }

    assertThat(small.watchFrom(2).replay()).extracting(Change::resourceVersion).containsExactly(3L, 4L);
    assertThat(small.watchFrom(1).gone()).isEqualTo(StoreError.of(StoreError.Reason.GONE, "too old resource version: 1 (2)"));
  }

  private Change apply(Apply step) {
    return cache.apply(step.key(), step.version(), object(step.key(), step.version()), step.deleted());
  }

  /** A configmap-shaped object named by its index key {@code namespace/name}. */
  private static ObjectNode object(String key, long resourceVersion) {
    ObjectNode object = JsonNodeFactory.instance.objectNode();
    object.putObject("metadata")
        .put("namespace", key.substring(0, key.indexOf('/')))
        .put("name", key.substring(key.indexOf('/') + 1))
        .put("resourceVersion", Long.toString(resourceVersion));
    return object;
  }

  /** An object labelled tier=web. */
  private static ObjectNode web(String key, long resourceVersion) {
    ObjectNode object = object(key, resourceVersion);
    object.withObjectProperty("metadata").putObject("labels").put("tier", "web");
    return object;
  }

  private static String key(ObjectNode object) {
    return KubeJson.namespace(object) + "/" + KubeJson.name(object);
  }

  private static String base64(String raw) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }
}
