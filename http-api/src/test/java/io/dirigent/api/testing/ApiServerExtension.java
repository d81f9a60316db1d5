package io.dirigent.api.testing;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the HTTP tests on one in-process API server share: the server (on the in-memory store, no
 * controllers) started before the class's tests and closed after them, and a JSON client of it.
 * A test class registers one as a static {@code @RegisterExtension} field.
 */
public final class ApiServerExtension implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, Object> settings;
  private TestApiServer server;
  private ApiClient api;

  private ApiServerExtension(Map<String, Object> settings) {
    this.settings = Map.copyOf(settings);
  }

  /** A server on the test settings. */
  public static ApiServerExtension server() {
    return new ApiServerExtension(Map.of());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = TestApiServer.start(settings);
    api = new ApiClient(server);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
  }

  /** Where it serves, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return server.url();
  }

  public TestApiServer testServer() {
    return server;
  }

  /** A JSON client of it. */
  public ApiClient api() {
    return api;
  }
}
