package io.dirigent.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.cli.client.ClientTls;
import io.dirigent.cli.client.Kubeconfig;
import io.dirigent.core.api.KubeJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Requests to one API server as the kubeconfig's user, each with a short timeout, answering the
 * status code (0 when no answer came) rather than throwing: for tests that watch a cluster
 * through its faults.
 */
public final class ApiCalls {

  /** One answer: its code (0: none came in time) and body. */
  public record Answer(int code, String body) {
    public boolean ok() {
      return code >= 200 && code < 300;
    }

    public JsonNode json() {
      try {
        return KubeJson.MAPPER.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON (" + code + "): " + body, e);
      }
    }
  }

  private final HttpClient client;
  private final String base;
  private final Duration timeout;

  /** Calls {@code https://host:port} with the credentials of {@code kubeconfig}. */
  public ApiCalls(Path kubeconfig, String host, int port, Duration timeout) {
    Kubeconfig config = Kubeconfig.read(kubeconfig);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    ClientTls.context(config.tls()).ifPresent(builder::sslContext);
    this.client = builder.build();
    this.base = "https://" + host + ":" + port;
    this.timeout = timeout;
  }

  public String base() {
    return base;
  }

  public Answer get(String path) {
    return send("GET", path, null);
  }

  public Answer send(String method, String path, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", "application/json");
    request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
        : request.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (java.io.IOException e) {
      return new Answer(0, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, e.toString());
    }
  }
}
