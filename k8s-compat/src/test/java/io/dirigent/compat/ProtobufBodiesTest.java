package io.dirigent.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Bodies built with Kubernetes' generated classes, framed as kubectl frames them. */
class ProtobufBodiesTest {

  private static byte[] framed(String apiVersion, String kind, Message object) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {0x6b, 0x38, 0x73, 0x00});
    Runtime.Unknown.newBuilder()
        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(object.toByteString())
        .setContentEncoding("")
        .setContentType("")
        .build()
        .writeTo(out);
    return out.toByteArray();
  }

  @Test
  void aDeploymentAsKubectlCreateSendsItBecomesItsJson() throws Exception {
    // Go writes its zero values: the empty strings and the zero creation time are sent too.
    V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("web").setGenerateName("").setNamespace("")
            .putLabels("app", "web").setCreationTimestamp(Meta.Time.newBuilder().setSeconds(0)))
        .setSpec(V1Apps.DeploymentSpec.newBuilder()
            .setReplicas(0)
            .setMinReadySeconds(0)
            .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
            .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("").setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                .setMaxSurge(IntStr.IntOrString.newBuilder().setType(1).setStrVal("25%"))
                .setMaxUnavailable(IntStr.IntOrString.newBuilder().setType(0).setIntVal(1))))
            .setTemplate(V1.PodTemplateSpec.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().putLabels("app", "web"))
                .setSpec(V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder()
                    .setName("httpenv").setImage("dirigent/httpenv:1").setStdin(false).setTty(false)
                    .addPorts(V1.ContainerPort.newBuilder().setContainerPort(8888).setProtocol("TCP"))))))
        .build();

    ObjectNode json = ProtobufBodies.decode(framed("apps/v1", "Deployment", deployment));

    assertThat(json.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(json.path("kind").asText()).isEqualTo("Deployment");
    assertThat(json.path("metadata").toString()).isEqualTo("{\"name\":\"web\",\"labels\":{\"app\":\"web\"}}");
    assertThat(json.path("spec").path("replicas").isInt()).as("a zero replicas is kept").isTrue();
    assertThat(json.path("spec").has("minReadySeconds")).isFalse();
    assertThat(json.path("spec").path("strategy").path("rollingUpdate").toString()).isEqualTo("{\"maxUnavailable\":1,\"maxSurge\":\"25%\"}");
    assertThat(json.path("spec").path("template").path("spec").path("containers").get(0).toString())
        .isEqualTo("{\"name\":\"httpenv\",\"image\":\"dirigent/httpenv:1\",\"ports\":[{\"containerPort\":8888,\"protocol\":\"TCP\"}]}");
  }

  @Test
  void secretDataArrivesBase64EncodedAsInJson() throws Exception {
    V1.Secret secret = V1.Secret.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("s"))
        .putData("password", ByteString.copyFromUtf8("hunter2")).setType("Opaque").build();
    ObjectNode json = ProtobufBodies.decode(framed("v1", "Secret", secret));
    assertThat(json.path("data").path("password").asText()).isEqualTo("aHVudGVyMg==");
    assertThat(json.path("type").asText()).isEqualTo("Opaque");
  }

  @Test
  void aBodyThatIsNotKubernetesProtobufOrOfAnUnservedKindIsRefusedWithTheReason() throws Exception {
    assertThatThrownBy(() -> ProtobufBodies.decode("{\"kind\":\"Pod\"}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not start with");
    assertThatThrownBy(() -> ProtobufBodies.decode(framed("example.com/v1", "Widget", V1.ConfigMap.getDefaultInstance())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("example.com/v1 Widget is not read from protobuf");
  }

  @Test
  void aTimeBeyondTheYear9999IsRefusedAsGoRefusesToWriteIt() throws Exception {
    V1.ConfigMap far = V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("c")
        .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(Long.MAX_VALUE))).build();
    assertThatThrownBy(() -> ProtobufBodies.decode(framed("v1", "ConfigMap", far)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the years 1 to 9999");
    V1.ConfigMap early = V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("c")
        .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(Long.MIN_VALUE))).build();
    assertThatThrownBy(() -> ProtobufBodies.decode(framed("v1", "ConfigMap", early)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the years 1 to 9999");
    V1.ConfigMap last = V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("c")
        .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(253402300799L))).build();
    assertThat(ProtobufBodies.decode(framed("v1", "ConfigMap", last)).path("metadata").path("creationTimestamp").asText())
        .isEqualTo("9999-12-31T23:59:59Z");
  }

  @Test
  void goDurationsReadAsGoPrintsThem() {
    assertThat(ProtobufBodies.goDuration(Long.MIN_VALUE)).isEqualTo("-2562047h47m16.854775808s");
    assertThat(ProtobufBodies.goDuration(90_000_000_000L)).isEqualTo("1m30s");
    assertThat(ProtobufBodies.goDuration(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(ProtobufBodies.goDuration(300_000_000L)).isEqualTo("300ms");
    assertThat(ProtobufBodies.goDuration(3_600_000_000_000L)).isEqualTo("1h0m0s");
  }
}
