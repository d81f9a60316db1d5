package io.dirigent.node.runtime;

import io.dirigent.node.runtime.ContainerRuntime.ProbeOutcome;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * HTTP GET and TCP probes as the kubelet runs them: from the node, to the pod's IP (or the
 * probe's host), with the probe's timeout. HTTP succeeds on a status from 200 to 399.
 */
public final class NetworkProbes {

  /**
   * The longest an HTTP probe's connection may take to open. The probe's own timeout (its
   * timeoutSeconds, one second by default) bounds the whole request and is usually the shorter; a
   * probe that allows more still fails once a connect takes this long. A constant because Java's
   * HttpClient takes a connect timeout per client, and one client serves every probe.
   */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(CONNECT_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  /** The probe's timeout, Kubernetes' default of one second when unset. */
  public static Duration timeout(Probe probe) {
    Integer seconds = probe.getTimeoutSeconds();
    return Duration.ofSeconds(seconds == null || seconds < 1 ? 1 : seconds);
  }

  public CompletionStage<ProbeOutcome> httpGet(String podIp, HTTPGetAction action, Duration timeout) {
    String host = action.getHost() == null || action.getHost().isEmpty() ? podIp : action.getHost();
    String scheme = action.getScheme() == null ? "http" : action.getScheme().toLowerCase();
    String path = action.getPath() == null || action.getPath().isEmpty() ? "/" : action.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    URI uri;
    try {
      uri = URI.create("%s://%s:%d%s".formatted(scheme, host, action.getPort().getIntVal(), path));
    } catch (IllegalArgumentException | NullPointerException e) {
      return CompletableFuture.completedFuture(new ProbeOutcome(false, "invalid HTTP probe: " + e.getMessage()));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET().header("User-Agent", "kube-probe/1.31");
    if (action.getHttpHeaders() != null) {
      for (HTTPHeader header : action.getHttpHeaders()) {
        request.header(header.getName(), header.getValue());
      }
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .handle((response, failure) -> {
          if (failure != null) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return new ProbeOutcome(false, "Get \"%s\": %s".formatted(uri, cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
          }
          int code = response.statusCode();
          return code >= 200 && code < 400 ? ProbeOutcome.SUCCESS : new ProbeOutcome(false, "HTTP probe failed with statuscode: " + code);
        });
  }

  public CompletionStage<ProbeOutcome> tcp(String podIp, TCPSocketAction action, Duration timeout) {
    String host = action.getHost() == null || action.getHost().isEmpty() ? podIp : action.getHost();
    int port = action.getPort().getIntVal();
    CompletableFuture<ProbeOutcome> outcome = new CompletableFuture<>();
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (java.io.IOException e) {
      return CompletableFuture.completedFuture(new ProbeOutcome(false, e.getMessage()));
    }
    channel.connect(new InetSocketAddress(host, port), null, new CompletionHandler<Void, Void>() {
      @Override
      public void completed(Void result, Void attachment) {
        outcome.complete(ProbeOutcome.SUCCESS);
      }

      @Override
      public void failed(Throwable failure, Void attachment) {
        outcome.complete(new ProbeOutcome(false, "dial tcp %s:%d: %s".formatted(host, port, failure.getMessage())));
      }
    });
    return outcome.completeOnTimeout(new ProbeOutcome(false, "dial tcp %s:%d: i/o timeout".formatted(host, port)), timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((done, failure) -> {
          try {
            channel.close();
          } catch (java.io.IOException ignored) {
            // closing a probe's socket; nothing to do
          }
        });
  }
}
