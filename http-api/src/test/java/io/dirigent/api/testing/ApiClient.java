package io.dirigent.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** JSON requests to a {@link TestApiServer} over real HTTP, and a fresh namespace per test. */
public final class ApiClient {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private final TestApiServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ApiClient(TestApiServer server) {
    this.server = server;
  }

  /** An answer: its code and body. */
  public record Reply(int code, String body) {
    public JsonNode json() {
      try {
        return KubeJson.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  /** {@code method path} with a JSON {@code body} (null: none). */
  public Reply send(String method, String path, String body) {
    return send(method, path, "application/json", body);
  }

  /** A JSON merge patch of {@code path}. */
  public Reply mergePatch(String path, String patch) {
    return send("PATCH", path, "application/merge-patch+json", patch);
  }

  /** {@code method path} with a {@code body} of {@code contentType}. */
  public Reply send(String method, String path, String contentType, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
    request = body == null ? request.method(method, BodyPublishers.noBody())
        : request.header("Content-Type", contentType).method(method, BodyPublishers.ofString(body));
    try {
      var response = http.send(request.build(), BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A new namespace named {@code prefix-N}. */
  public String namespace(String prefix) {
    String name = prefix + "-" + NAMESPACES.incrementAndGet();
    Reply created = send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}");
    if (created.code() != 201) {
      throw new IllegalStateException("namespace " + name + " not created: " + created.body());
    }
    return name;
  }
}
