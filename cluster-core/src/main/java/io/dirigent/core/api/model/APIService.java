package io.dirigent.core.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;

/**
 * apiregistration.k8s.io/v1 APIService, which fabric8's model jars available here do not carry
 * (its kube-aggregator module is not on Maven Central's mirror here): the fields Kubernetes'
 * schema has, for reading, type checks and unknown-field checks like every other kind.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec", "status"})
public class APIService implements HasMetadata {

  private String apiVersion = "apiregistration.k8s.io/v1";
  private String kind = "APIService";
  private ObjectMeta metadata;
  private Spec spec;
  private Status status;

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  @Override
  public ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public void setMetadata(ObjectMeta metadata) {
    this.metadata = metadata;
  }

  public Spec getSpec() {
    return spec;
  }

  public void setSpec(Spec spec) {
    this.spec = spec;
  }

  public Status getStatus() {
    return status;
  }

  public void setStatus(Status status) {
    this.status = status;
  }

  /** APIServiceSpec. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    private String group;
    private String version;
    private Integer groupPriorityMinimum;
    private Integer versionPriority;
    private ServiceReference service;
    private String caBundle;
    private Boolean insecureSkipTLSVerify;

    public String getGroup() {
      return group;
    }

    public void setGroup(String group) {
      this.group = group;
    }

    public String getVersion() {
      return version;
    }

    public void setVersion(String version) {
      this.version = version;
    }

    public Integer getGroupPriorityMinimum() {
      return groupPriorityMinimum;
    }

    public void setGroupPriorityMinimum(Integer groupPriorityMinimum) {
      this.groupPriorityMinimum = groupPriorityMinimum;
    }

    public Integer getVersionPriority() {
      return versionPriority;
    }

    public void setVersionPriority(Integer versionPriority) {
      this.versionPriority = versionPriority;
    }

    public ServiceReference getService() {
      return service;
    }

    public void setService(ServiceReference service) {
      this.service = service;
    }

    public String getCaBundle() {
      return caBundle;
    }

    public void setCaBundle(String caBundle) {
      this.caBundle = caBundle;
    }

    public Boolean getInsecureSkipTLSVerify() {
      return insecureSkipTLSVerify;
    }

    public void setInsecureSkipTLSVerify(Boolean insecureSkipTLSVerify) {
      this.insecureSkipTLSVerify = insecureSkipTLSVerify;
    }
  }

  /** The Service an aggregated APIService names; a local one has none. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ServiceReference {
    private String namespace;
    private String name;
    private Integer port;

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }
  }

  /** APIServiceStatus. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    private List<Condition> conditions;

    public List<Condition> getConditions() {
      return conditions;
    }

    public void setConditions(List<Condition> conditions) {
      this.conditions = conditions;
    }
  }
}
