package io.dirigent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.api.testing.TestApiServer;
import io.dirigent.api.testing.TlsClients;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.pki.ClusterPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Authentication and RBAC through the real API server over TLS: users named by client
 * certificates, static tokens and ServiceAccount tokens; what Roles and bindings let each do;
 * Kubernetes' 403 wording; the access reviews kubectl auth can-i asks; and the escalation guard.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RbacApiTest {

  private static final String STATIC_TOKEN = "static-token-for-bob-0123456789";

  private TestApiServer server;
  private ClusterPki pki;
  private HttpClient admin;
  private HttpClient alice;
  private HttpClient anonymous;

  record Answer(int code, JsonNode body) {}

  @BeforeAll
  void start() throws Exception {
    Path pkiDir = Files.createTempDirectory("dirigent-pki-");
    Path tokens = Files.createTempFile("tokens-", ".csv");
    Files.writeString(tokens, "# token,user,uid,groups\n" + STATIC_TOKEN + ",bob,bob-uid,\"readers,team-b\"\n");
    server = TestApiServer.start(Map.of("dirigent.api.tls.enabled", true, "dirigent.api.tls.pki-dir", pkiDir.toString(),
        "dirigent.api.token-file", tokens.toString()));
    pki = ClusterPki.loadOrCreate(pkiDir, "dirigent", Clock.systemUTC());
    admin = TlsClients.client(pki.issueClient("admin", List.of("system:masters")), pki);
    alice = TlsClients.client(pki.issueClient("alice", List.of()), pki);
    anonymous = TlsClients.client(null, pki);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aUserWithoutBindingsIsRefusedInKubernetesWordsButMayDiscoverTheApi() throws Exception {
    Answer pods = send(alice, "GET", "/api/v1/namespaces/default/pods", null, null);
    assertThat(pods.code()).isEqualTo(403);
    assertThat(pods.body().path("reason").asText()).isEqualTo("Forbidden");
    assertThat(pods.body().path("message").asText())
        .isEqualTo("pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
    assertThat(pods.body().path("details").path("kind").asText()).isEqualTo("pods");
    Answer deployment = send(alice, "GET", "/apis/apps/v1/namespaces/default/deployments/web", null, null);
    assertThat(deployment.body().path("message").asText())
        .isEqualTo("deployments.apps \"web\" is forbidden: User \"alice\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"default\"");
    assertThat(send(alice, "GET", "/metrics", null, null).body().path("message").asText())
        .isEqualTo("forbidden: User \"alice\" cannot get path \"/metrics\"");
    for (String path : List.of("/version", "/api", "/apis", "/api/v1", "/openapi/v3")) {
      assertThat(send(alice, "GET", path, null, null).code()).as(path).isEqualTo(200);
    }
    assertThat(send(anonymous, "GET", "/version", null, null).code()).isEqualTo(401);
  }

  @Test
  void aRoleBindingLetsAUserDoWhatItsRoleAllowsInItsNamespaceOnly() throws Exception {
    namespace("rbac-read");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-read/roles",
        "{'metadata':{'name':'pod-reader'},'rules':[{'apiGroups':[''],'resources':['pods','configmaps'],'verbs':['get','list','watch']}]}");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-read/rolebindings",
        "{'metadata':{'name':'alice'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'pod-reader'},"
            + "'subjects':[{'apiGroup':'rbac.authorization.k8s.io','kind':'User','name':'alice'}]}");
    create(admin, "/api/v1/namespaces/rbac-read/secrets", "{'metadata':{'name':'db'},'stringData':{'password':'hunter2'}}");
    create(admin, "/api/v1/namespaces/rbac-read/configmaps", "{'metadata':{'name':'settings'},'data':{'a':'b'}}");
    await(alice, "GET", "/api/v1/namespaces/rbac-read/pods", null, answer -> answer.code() == 200);
    assertThat(send(alice, "GET", "/api/v1/namespaces/default/pods", null, null).code()).isEqualTo(403);
    assertThat(send(alice, "GET", "/api/v1/namespaces/rbac-read/secrets/db", null, null).code()).isEqualTo(403);
    assertThat(send(alice, "DELETE", "/api/v1/namespaces/rbac-read/configmaps/settings", null, null).code()).isEqualTo(403);
    // The history of an object is readable by whoever may read the object, and no one else.
    assertThat(send(alice, "GET", "/api/v1/namespaces/rbac-read/secrets/db/history", null, null).code()).isEqualTo(403);
    Answer secretHistory = send(admin, "GET", "/api/v1/namespaces/rbac-read/secrets/db/history", null, null);
    assertThat(secretHistory.code()).isEqualTo(200);
    assertThat(secretHistory.body().toString()).doesNotContain("hunter2").doesNotContain("aHVudGVyMg");
    assertThat(secretHistory.body().path("items").get(0).path("object").path("data").path("password").asText()).isEqualTo("added");
    Answer history = send(alice, "GET", "/api/v1/namespaces/rbac-read/configmaps/settings/history", null, null);
    assertThat(history.code()).isEqualTo(200);
    assertThat(history.body().path("items").get(0).path("user").asText()).isEqualTo("admin");
  }

  @Test
  void canIAsksTheServerAboutOneselfOrAboutSomeoneElse() throws Exception {
    namespace("rbac-review");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-review/rolebindings",
        "{'metadata':{'name':'alice-view'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'system:aggregate-to-view'},"
            + "'subjects':[{'apiGroup':'rbac.authorization.k8s.io','kind':'User','name':'alice'}]}");
    String listPods = "{'apiVersion':'authorization.k8s.io/v1','kind':'SelfSubjectAccessReview','spec':{'resourceAttributes':"
        + "{'namespace':'rbac-review','verb':'list','resource':'pods'}}}";
    Answer allowed = await(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", listPods,
        answer -> answer.body().path("status").path("allowed").asBoolean());
    assertThat(allowed.code()).isEqualTo(201);
    assertThat(allowed.body().path("status").path("reason").asText()).contains("RoleBinding \"alice-view\"");
    Answer denied = send(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        listPods.replace("'list'", "'delete'"), null);
    assertThat(denied.body().path("status").path("allowed").asBoolean()).isFalse();
    Answer rules = send(alice, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
        "{'apiVersion':'authorization.k8s.io/v1','kind':'SelfSubjectRulesReview','spec':{'namespace':'rbac-review'}}", null);
    assertThat(rules.code()).isEqualTo(201);
    assertThat(rules.body().path("status").path("resourceRules").toString()).contains("\"pods\"");
    assertThat(rules.body().path("status").path("nonResourceRules").toString()).contains("/version");
    String aboutAlice = "{'apiVersion':'authorization.k8s.io/v1','kind':'SubjectAccessReview','spec':{'user':'alice','resourceAttributes':"
        + "{'namespace':'rbac-review','verb':'get','resource':'pods'}}}";
    assertThat(send(admin, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", aboutAlice, null)
        .body().path("status").path("allowed").asBoolean()).isTrue();
    // Asking about others is itself a permission alice does not have.
    assertThat(send(alice, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", aboutAlice, null).code()).isEqualTo(403);
  }

  @Test
  void noOneGrantsWhatTheyDoNotHold() throws Exception {
    namespace("rbac-escalate");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-escalate/rolebindings",
        "{'metadata':{'name':'alice-admin'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'system:aggregate-to-admin'},"
            + "'subjects':[{'apiGroup':'rbac.authorization.k8s.io','kind':'User','name':'alice'}]}");
    String bindClusterAdmin = "{'metadata':{'name':'alice-root'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'cluster-admin'},"
        + "'subjects':[{'apiGroup':'rbac.authorization.k8s.io','kind':'User','name':'alice'}]}";
    Answer refused = await(alice, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-escalate/rolebindings", bindClusterAdmin,
        answer -> answer.code() != 403 || answer.body().path("message").asText().contains("not currently held"));
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.body().path("message").asText()).startsWith(
        "rolebindings.rbac.authorization.k8s.io \"alice-root\" is forbidden: user \"alice\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:");
    Answer secretsRole = send(alice, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-escalate/roles",
        "{'metadata':{'name':'secrets'},'rules':[{'apiGroups':[''],'resources':['secrets'],'verbs':['get']}]}", null);
    assertThat(secretsRole.code()).isEqualTo(403);
    // Within what alice holds, she may write roles and bindings.
    Answer namespaces = send(alice, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-escalate/roles",
        "{'metadata':{'name':'ns-reader'},'rules':[{'apiGroups':[''],'resources':['namespaces'],'verbs':['get']}]}", null);
    assertThat(namespaces.code()).as(namespaces.body().toString()).isEqualTo(201);
    assertThat(send(admin, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-escalate/rolebindings", bindClusterAdmin, null).code()).isEqualTo(201);
  }

  @Test
  void aNamespacedObjectIsCreatedOnlyInItsNamespaceAndApplyCreatesOnlyWithCreate() throws Exception {
    namespace("rbac-paths");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        "{'metadata':{'name':'rbac-paths-binder'},'rules':[{'apiGroups':['rbac.authorization.k8s.io'],'resources':['rolebindings'],'verbs':['create']},"
            + "{'apiGroups':[''],'resources':['configmaps'],'verbs':['get','patch']}]}");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        "{'metadata':{'name':'rbac-paths-alice'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'rbac-paths-binder'},"
            + "'subjects':[{'apiGroup':'rbac.authorization.k8s.io','kind':'User','name':'alice'}]}");
    String toSecretReader = "{'metadata':{'name':'sneaky','namespace':'kube-system'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'cluster-admin'},"
        + "'subjects':[{'apiGroup':'rbac.authorization.k8s.io','kind':'User','name':'alice'}]}";
    Answer clusterPath = await(alice, "POST", "/apis/rbac.authorization.k8s.io/v1/rolebindings", toSecretReader, answer -> answer.code() != 403);
    assertThat(clusterPath.code()).as(clusterPath.body().toString()).isEqualTo(405);
    Answer absentRole = send(alice, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-paths/rolebindings",
        toSecretReader.replace("'kube-system'", "'rbac-paths'").replace("'ClusterRole','name':'cluster-admin'", "'Role','name':'not-yet'"), null);
    assertThat(absentRole.code()).isEqualTo(403);
    assertThat(absentRole.body().path("message").asText()).contains("does not exist");
    Answer applied = send(alice, "PATCH", "/api/v1/namespaces/rbac-paths/configmaps/new?fieldManager=alice",
        "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'new'},'data':{'a':'b'}}", "application/apply-patch+yaml");
    assertThat(applied.code()).as(applied.body().toString()).isEqualTo(403);
    assertThat(applied.body().path("message").asText()).contains("cannot create resource \"configmaps\"");
  }

  @Test
  void aBindingsRoleCannotChangeAndBadRbacObjectsAreRefused() throws Exception {
    namespace("rbac-invalid");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-invalid/rolebindings",
        "{'metadata':{'name':'b'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'view'},'subjects':[{'kind':'Group','name':'g','apiGroup':'rbac.authorization.k8s.io'}]}");
    Answer changed = send(admin, "PATCH", "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-invalid/rolebindings/b",
        "{'roleRef':{'name':'edit'}}", "application/merge-patch+json");
    assertThat(changed.code()).isEqualTo(422);
    assertThat(changed.body().path("message").asText()).contains("cannot change roleRef");
    Answer noVerbs = send(admin, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        "{'metadata':{'name':'rbac-invalid-noverbs'},'rules':[{'apiGroups':[''],'resources':['pods']}]}", null);
    assertThat(noVerbs.code()).isEqualTo(422);
    assertThat(noVerbs.body().path("message").asText()).contains("rules[0].verbs");
    Answer badSubject = send(admin, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        "{'metadata':{'name':'rbac-invalid-subject'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'x'},'subjects':[{'kind':'Robot','name':'r'}]}", null);
    assertThat(badSubject.code()).isEqualTo(422);
    assertThat(badSubject.body().path("message").asText()).contains("roleRef.kind").contains("subjects[0].kind");
  }

  @Test
  void aStaticTokenNamesItsUserAndABadTokenIsUnauthorized() throws Exception {
    HttpRequest whoami = HttpRequest.newBuilder(URI.create(server.url() + "/apis/authentication.k8s.io/v1/selfsubjectreviews"))
        .header("Authorization", "Bearer " + STATIC_TOKEN).header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}")).build();
    JsonNode info = KubeJson.MAPPER.readTree(anonymous.send(whoami, HttpResponse.BodyHandlers.ofString()).body()).path("status").path("userInfo");
    assertThat(info.path("username").asText()).isEqualTo("bob");
    assertThat(info.path("uid").asText()).isEqualTo("bob-uid");
    assertThat(info.path("groups")).extracting(JsonNode::asText).containsExactly("readers", "team-b", "system:authenticated");
    assertThat(bearer("wrong-token", "/version").code()).isEqualTo(401);
    // As in Kubernetes, a client certificate is looked at before a token: with one, the token is not read.
    HttpRequest both = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces/kube-system/secrets"))
        .header("Authorization", "Bearer wrong").build();
    assertThat(admin.send(both, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void aServiceAccountTokenListsOnlyWhatItsRoleAllowsAndDiesWithItsAccountOrPod() throws Exception {
    namespace("rbac-sa");
    create(admin, "/api/v1/namespaces/rbac-sa/serviceaccounts", "{'metadata':{'name':'robot'}}");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-sa/roles",
        "{'metadata':{'name':'cm-reader'},'rules':[{'apiGroups':[''],'resources':['configmaps'],'verbs':['list']}]}");
    create(admin, "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-sa/rolebindings",
        "{'metadata':{'name':'robot'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'cm-reader'},"
            + "'subjects':[{'kind':'ServiceAccount','name':'robot','namespace':'rbac-sa'}]}");
    Answer issued = send(admin, "POST", "/api/v1/namespaces/rbac-sa/serviceaccounts/robot/token",
        "{'apiVersion':'authentication.k8s.io/v1','kind':'TokenRequest','spec':{'expirationSeconds':600}}", null);
    assertThat(issued.code()).as(issued.body().toString()).isEqualTo(201);
    String token = issued.body().path("status").path("token").asText();
    assertThat(issued.body().path("status").path("expirationTimestamp").asText()).isNotEmpty();
    awaitBearer(token, "/api/v1/namespaces/rbac-sa/configmaps", 200);
    Answer secrets = bearer(token, "/api/v1/namespaces/rbac-sa/secrets");
    assertThat(secrets.code()).isEqualTo(403);
    assertThat(secrets.body().path("message").asText()).contains("User \"system:serviceaccount:rbac-sa:robot\" cannot list resource \"secrets\"");
    assertThat(bearer(token, "/api/v1/namespaces/default/configmaps").code()).isEqualTo(403);
    for (String bad : List.of("{'spec':{'expirationSeconds':60}}", "{'spec':{'expirationSeconds':'3600'}}", "{'spec':{'expirationSeconds':1.5}}",
        "{'spec':{'audiences':'vault'}}", "{'spec':{'audiences':[1]}}", "{'spec':{'boundObjectRef':'web'}}",
        "{'spec':{'boundObjectRef':{'kind':'Secret','name':'db'}}}")) {
      assertThat(send(admin, "POST", "/api/v1/namespaces/rbac-sa/serviceaccounts/robot/token", bad, null).code()).as(bad).isEqualTo(400);
    }
    Answer noAccount = send(admin, "POST", "/api/v1/namespaces/rbac-sa/serviceaccounts/nobody/token", "{'spec':{}}", null);
    assertThat(noAccount.code()).isEqualTo(404);
    Answer join = send(admin, "POST", "/apis/dirigent.io/v1/memberjoins", "{'name':'../../etc'}", null);
    assertThat(join.code()).as("a member's name is a DNS subdomain").isEqualTo(400);
    create(admin, "/api/v1/nodes", "{'metadata':{'name':'taken-node'}}");
    Answer taken = send(admin, "POST", "/apis/dirigent.io/v1/memberjoins", "{'name':'taken-node'}", null);
    assertThat(taken.code()).as("a newcomer never gets an existing Node's identity").isEqualTo(409);
    assertThat(taken.body().path("message").asText()).contains("a Node named \"taken-node\" is registered already");
    Answer joined = send(admin, "POST", "/apis/dirigent.io/v1/memberjoins", "{'name':'fresh-node'}", null);
    assertThat(joined.code()).as(joined.body().toString()).isEqualTo(201);
    assertThat(joined.body().at("/status/credential/user").asText()).isEqualTo("system:node:fresh-node");
    assertThat(joined.body().at("/status/credential/groups/0").asText()).isEqualTo("system:nodes");

    create(admin, "/api/v1/namespaces/rbac-sa/pods", "{'metadata':{'name':'other'},'spec':{'containers':[{'name':'c','image':'busybox'}]}}");
    Answer mismatch = send(admin, "POST", "/api/v1/namespaces/rbac-sa/serviceaccounts/robot/token",
        "{'spec':{'boundObjectRef':{'kind':'Pod','apiVersion':'v1','name':'other'}}}", null);
    assertThat(mismatch.code()).as("a token bound to a pod that runs as another account").isEqualTo(400);
    create(admin, "/api/v1/namespaces/rbac-sa/pods",
        "{'metadata':{'name':'web'},'spec':{'serviceAccountName':'robot','containers':[{'name':'c','image':'busybox'}]}}");
    Answer bound = send(admin, "POST", "/api/v1/namespaces/rbac-sa/serviceaccounts/robot/token",
        "{'spec':{'boundObjectRef':{'kind':'Pod','apiVersion':'v1','name':'web'}}}", null);
    String podToken = bound.body().path("status").path("token").asText();
    assertThat(bearer(podToken, "/api/v1/namespaces/rbac-sa/configmaps").code()).isEqualTo(200);
    send(admin, "DELETE", "/api/v1/namespaces/rbac-sa/pods/web?gracePeriodSeconds=0", null, null);
    awaitBearer(podToken, "/api/v1/namespaces/rbac-sa/configmaps", 401);
    assertThat(bearer(token, "/api/v1/namespaces/rbac-sa/configmaps").code()).isEqualTo(200);
    // An account deleted and made again has a new uid: the old account's tokens are nothing.
    send(admin, "DELETE", "/api/v1/namespaces/rbac-sa/serviceaccounts/robot", null, null);
    create(admin, "/api/v1/namespaces/rbac-sa/serviceaccounts", "{'metadata':{'name':'robot'}}");
    assertThat(bearer(token, "/api/v1/namespaces/rbac-sa/configmaps").code()).isEqualTo(401);
  }

  @Test
  void impersonationAnswersAsTheUserAskedForOnlyWhenTheSenderMayImpersonateThem() throws Exception {
    Answer asRobot = sendAs(admin, "/apis/authentication.k8s.io/v1/selfsubjectreviews", "POST",
        "{'apiVersion':'authentication.k8s.io/v1','kind':'SelfSubjectReview'}", "system:serviceaccount:rbac-imp:robot", "team");
    assertThat(asRobot.code()).isEqualTo(201);
    JsonNode info = asRobot.body().path("status").path("userInfo");
    assertThat(info.path("username").asText()).isEqualTo("system:serviceaccount:rbac-imp:robot");
    assertThat(info.path("groups")).extracting(JsonNode::asText)
        .containsExactly("team", "system:serviceaccounts", "system:serviceaccounts:rbac-imp", "system:authenticated");
    // The administrator acting as alice gets what alice gets.
    assertThat(sendAs(admin, "/api/v1/namespaces/default/secrets", "GET", null, "alice", null).code()).isEqualTo(403);
    Answer refused = sendAs(alice, "/api/v1/namespaces/default/secrets", "GET", null, "admin", "system:masters");
    assertThat(refused.code()).isEqualTo(403);
    assertThat(refused.body().path("message").asText())
        .isEqualTo("users \"admin\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
    assertThat(sendAs(admin, "/version", "GET", null, null, "system:masters").code()).isEqualTo(400);
  }

  /** A TokenReview case: the token and audiences asked, and what the review should answer. */
  private record TokenCase(String name, String token, String audiences, boolean authenticated, String user, String granted) {}

  @Test
  void aTokenReviewSaysWhoseATokenIsForTheAudiencesAsked() throws Exception {
    namespace("rbac-token-review");
    create(admin, "/api/v1/namespaces/rbac-token-review/serviceaccounts", "{'metadata':{'name':'robot'}}");
    Answer issued = send(admin, "POST", "/api/v1/namespaces/rbac-token-review/serviceaccounts/robot/token",
        "{'spec':{'audiences':['vault'],'expirationSeconds':600}}", null);
    assertThat(issued.code()).as(issued.body().toString()).isEqualTo(201);
    String vault = issued.body().path("status").path("token").asText();
    String api = "https://kubernetes.default.svc.cluster.local";
    String robot = "system:serviceaccount:rbac-token-review:robot";
    List<TokenCase> cases = List.of(
        new TokenCase("a static token, for the API server's audiences when none are asked", STATIC_TOKEN, "[]", true, "bob", api),
        new TokenCase("a static token, for an audience the API server is not", STATIC_TOKEN, "['vault']", false, "", ""),
        new TokenCase("a ServiceAccount token, for its own audience", vault, "['vault','other']", true, robot, "vault"),
        new TokenCase("a ServiceAccount token, for the API server's audiences it was not issued for", vault, "[]", false, "", ""),
        new TokenCase("a token this cluster knows nothing of", "not-a-token", "[]", false, "", ""));
    for (TokenCase c : cases) {
      Answer review = send(admin, "POST", "/apis/authentication.k8s.io/v1/tokenreviews",
          "{'apiVersion':'authentication.k8s.io/v1','kind':'TokenReview','spec':{'token':'" + c.token() + "','audiences':" + c.audiences() + "}}", null);
      assertThat(review.code()).as(c.name() + ": " + review.body()).isEqualTo(201);
      assertThat(review.body().path("kind").asText()).isEqualTo("TokenReview");
      JsonNode status = review.body().path("status");
      assertThat(status.path("authenticated").asBoolean()).as(c.name()).isEqualTo(c.authenticated());
      assertThat(status.path("user").path("username").asText()).as(c.name()).isEqualTo(c.user());
      assertThat(status.path("audiences").path(0).asText()).as(c.name()).isEqualTo(c.granted());
    }
    Answer noToken = send(admin, "POST", "/apis/authentication.k8s.io/v1/tokenreviews", "{'spec':{}}", null);
    assertThat(noToken.code()).isEqualTo(400);
    assertThat(noToken.body().path("message").asText()).isEqualTo("token is required for TokenReview in authentication");
    Answer asBob = sendAs(admin, "/apis/authentication.k8s.io/v1/tokenreviews", "POST", "{'spec':{'token':'x'}}", "bob", null);
    assertThat(asBob.code()).as("who may not create tokenreviews").isEqualTo(403);
  }

  private Answer sendAs(HttpClient client, String path, String method, String json, String user, String group) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10));
    if (user != null) {
      request.header("Impersonate-User", user);
    }
    if (group != null) {
      request.header("Impersonate-Group", group);
    }
    request.header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json.replace('\'', '"')));
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), KubeJson.MAPPER.readTree(response.body()));
  }

  // ---- helpers ----

  private void namespace(String name) throws Exception {
    create(admin, "/api/v1/namespaces", "{'metadata':{'name':'" + name + "'}}");
  }

  private void create(HttpClient client, String path, String json) throws Exception {
    Answer created = send(client, "POST", path, json, null);
    assertThat(created.code()).as(path + ": " + created.body()).isEqualTo(201);
  }

  private Answer bearer(String token, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> response = anonymous.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), KubeJson.MAPPER.readTree(response.body()));
  }

  private void awaitBearer(String token, String path, int code) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Answer answer = bearer(token, path);
    while (answer.code() != code && System.nanoTime() < deadline) {
      Thread.sleep(50);
      answer = bearer(token, path);
    }
    assertThat(answer.code()).as(answer.body().toString()).isEqualTo(code);
  }

  /** Sends until {@code done} holds (RBAC changes reach the authorizer through a watch) or ten seconds pass. */
  private Answer await(HttpClient client, String method, String path, String json, Predicate<Answer> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Answer answer = send(client, method, path, json, null);
    while (!done.test(answer) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      answer = send(client, method, path, json, null);
    }
    return answer;
  }

  private Answer send(HttpClient client, String method, String path, String json, String contentType) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType == null ? "application/json" : contentType)
          .method(method, HttpRequest.BodyPublishers.ofString(json.replace('\'', '"')));
    }
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body().isEmpty() ? KubeJson.MAPPER.createObjectNode() : KubeJson.MAPPER.readTree(response.body()));
  }
}
