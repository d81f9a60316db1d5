package io.dirigent.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.dirigent.core.api.KubeJson;
import io.dirigent.core.api.ResourceType;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The CLI's HTTP client of the API server. A refusal becomes a {@link CliException} carrying the
 * server's Status message; an unreachable server, one naming the URL.
 */
public final class ApiClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String server;
  private final HttpClient http;

  public ApiClient(String server) {
    this(server, java.util.Optional.empty());
  }

  /** A client of {@code server} over TLS with {@code tls} (its authority and client certificate), or the JDK's defaults. */
  public ApiClient(String server, java.util.Optional<javax.net.ssl.SSLContext> tls) {
    this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  public String server() {
    return server;
  }

  /** The path of a collection ({@code name} null) or object, namespaced when {@code namespace} is set. */
  public static String path(ResourceType type, String namespace, String name) {
    StringBuilder path = new StringBuilder(type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.group() + "/" + type.version());
    if (type.namespaced() && namespace != null) {
      path.append("/namespaces/").append(encode(namespace));
    }
    path.append('/').append(type.plural());
    if (name != null) {
      path.append('/').append(encode(name));
    }
    return path.toString();
  }

  /** {@code path} with the non-empty {@code parameters} as its query. */
  public static String query(String path, Map<String, String> parameters) {
    StringJoiner query = new StringJoiner("&");
    parameters.forEach((key, value) -> {
      if (value != null && !value.isEmpty()) {
        query.add(key + "=" + encode(value));
      }
    });
    return query.length() == 0 ? path : path + "?" + query;
  }

  public JsonNode get(String path) {
    return send("GET", path, null, null);
  }

  /** The object at {@code path}, or null if there is none (404). */
  public JsonNode find(String path) {
    HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
    HttpResponse<String> response = exchange(request, BodyHandlers.ofString());
    if (response.statusCode() == 404) {
      return null;
    }
    JsonNode json = parse(response.body());
    if (response.statusCode() >= 300) {
      throw refusal(response.statusCode(), json, response.body());
    }
    return json;
  }

  public JsonNode send(String method, String path, JsonNode body) {
    return send(method, path, body, "application/json");
  }

  public JsonNode send(String method, String path, JsonNode body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).header("Accept", "application/json");
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType).method(method, BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> response = exchange(request.build(), BodyHandlers.ofString());
    JsonNode json = parse(response.body());
    if (response.statusCode() >= 300) {
      throw refusal(response.statusCode(), json, response.body());
    }
    return json;
  }

  /**
   * Copies the body at {@code path} (pod logs) to {@code out} as it arrives, flushing each chunk,
   * until the server ends it; a refusal is the server's Status message.
   */
  public void stream(String path, java.io.Writer out) {
    HttpRequest request = HttpRequest.newBuilder(uri(path)).GET().build();
    HttpResponse<java.io.InputStream> response = exchange(request, BodyHandlers.ofInputStream());
    try (java.io.InputStream body = response.body()) {
      if (response.statusCode() >= 300) {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        throw refusal(response.statusCode(), parse(text), text);
      }
      java.io.Reader text = new java.io.InputStreamReader(body, StandardCharsets.UTF_8);
      char[] buffer = new char[8192];
      for (int read; (read = text.read(buffer)) >= 0; ) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      throw new CliException("the API server at " + server + " broke off the stream: " + e.getMessage());
    }
  }

  /** Streams a watch's events to {@code events} until the server ends it. */
  public void watch(String path, Consumer<JsonNode> events) {
    watchUntil(path, event -> {
      events.accept(event);
      return false;
    });
  }

  /**
   * Streams a watch's events to {@code done} until it answers true for one (then this answers true
   * and closes the watch) or the server ends the watch (false). An ERROR event fails with its message.
   */
  public boolean watchUntil(String path, Predicate<JsonNode> done) {
    HttpRequest request = HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").GET().build();
    HttpResponse<Stream<String>> response = exchange(request, BodyHandlers.ofLines());
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() >= 300) {
        String body = String.join("\n", lines.toList());
        throw refusal(response.statusCode(), parse(body), body);
      }
      Iterator<String> events = lines.iterator();
      while (events.hasNext()) {
        String line = events.next();
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = parse(line);
        if (event == null) {
          throw new CliException("the API server at " + server + " sent a watch event that is not JSON: " + line);
        }
        if (event.path("type").asText().equals("ERROR")) {
          throw new CliException(event.path("object").path("message").asText("the watch ended with an error"));
        }
        if (done.test(event)) {
          return true;
        }
      }
      return false;
    } catch (java.io.UncheckedIOException e) {
      throw new CliException("the API server at " + server + " broke off the watch: " + e.getCause().getMessage());
    }
  }

  /**
   * Opens a WebSocket to {@code path} (exec, port forwarding) offering {@code protocols}; a refusal
   * of the upgrade is the server's Status message.
   */
  public WebSocket webSocket(String path, List<String> protocols, WebSocket.Listener listener) {
    URI uri = uri(path);
    URI socket = URI.create((uri.getScheme().equals("https") ? "wss" : "ws") + uri.toString().substring(uri.getScheme().length()));
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (!protocols.isEmpty()) {
      builder.subprotocols(protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
    }
    try {
      return builder.buildAsync(socket, listener).get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WebSocketHandshakeException refused) {
        HttpResponse<?> answer = refused.getResponse();
        String body = answer.body() instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
            : answer.body() instanceof String text ? text : "";
        throw refusal(answer.statusCode(), parse(body), body);
      }
      if (cause instanceof ConnectException) {
        throw new CliException("cannot reach the API server at " + server + " (is it running? bin/dirigent up)");
      }
      throw new CliException("the API server at " + server + " failed to open a stream: " + cause.getMessage());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new CliException("the API server at " + server + " did not open the stream within " + TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (ConnectException e) {
      throw new CliException("cannot reach the API server at " + server + " (is it running? bin/dirigent up)");
    } catch (IOException e) {
      throw new CliException("the API server at " + server + " failed to answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  private URI uri(String path) {
    try {
      return URI.create(server + path);
    } catch (IllegalArgumentException e) {
      throw new CliException("not a valid server URL: " + server);
    }
  }

  private static CliException refusal(int code, JsonNode status, String body) {
    String message = status != null && status.hasNonNull("message") ? status.path("message").asText()
        : "the server answered " + code + (body == null || body.isBlank() ? "" : ": " + body.strip());
    return new CliException(message);
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return KubeJson.MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
